import assert from 'node:assert/strict'
import type {ProcessedBatch} from '../../../src/lib/export/process.js'
import type {SourceBatch} from '../../../src/lib/export/source.js'
import {contextFromSettings, type ProcessSettings} from '../../../src/lib/export/processing-context.js'
import {BATCHES_PER_WORKER, inlineProcessor, workerProcessor} from '../../../src/lib/export/worker-pool.js'

const SETTINGS: ProcessSettings = {redaction: {}, goldKeys: [], forgottenUsers: [], maxExampleTokens: 65_536}

/** COPY text of `count` two-message conversations with personal data, numbered from `first`. */
function copyBatch(first: number, count: number): SourceBatch {
  const lines = Array.from({length: count}, (_, index) => {
    const id = `c${String(first + index).padStart(5, '0')}`
    return `${id}\tu${index % 3}\tuser\tmail fan${index}@gmail.com about ${id}\\nplease\tf\t\\N\n${id}\t\\N\tassistant\tcall +44 20 7946 0${String(index % 1000).padStart(3, '0')}\tf\t\\N\n`
  })
  return {copyText: new Uint8Array(Buffer.from(lines.join('')))}
}

const summary = (batch: ProcessedBatch) => ({text: Buffer.from(batch.utf8).toString('utf8'), lines: batch.lines, tally: batch.tally})

describe('export/worker-pool', () => {
  for (const size of [1, 2]) {
    it(`returns in submission order what one thread computes (${size} worker${size === 1 ? '' : 's'}, more batches than they hold)`, async function () {
      this.timeout(20_000)
      const batchCount = 3 * BATCHES_PER_WORKER
      const inline = inlineProcessor(contextFromSettings(SETTINGS))
      const expected = await Promise.all(Array.from({length: batchCount}, (_, index) => inline.submit(copyBatch(index * 50, 50))))
      const pool = workerProcessor(SETTINGS, size)
      try {
        const results = await Promise.all(Array.from({length: batchCount}, (_, index) => pool.submit(copyBatch(index * 50, 50))))
        assert.deepEqual(results.map(summary), expected.map(summary))
        assert.equal(expected[0].lines.length, 50)
        assert.deepEqual(expected[0].tally.redactions, {EMAIL: 50, PHONE: 50})
      } finally {
        await pool.close()
      }
    })
  }
})
