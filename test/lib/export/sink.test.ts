import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {startRun} from '../../../src/lib/export/ledger.js'
import {PartWriter} from '../../../src/lib/export/part-writer.js'
import {ExampleSink} from '../../../src/lib/export/sink.js'
import {describeOnBothBackends} from '../../support/backends.js'

function line(text: string) {
  const utf8 = Buffer.from(`${text}\n`)
  return {example: {byteLength: utf8.length, conversationId: text, userIds: ['u1']}, utf8}
}

describeOnBothBackends('export/sink', (backend) => {
  let outDir: string
  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-sink-'))
  })
  afterEach(async () => {
    await backend.db.sql`truncate loopft_examples, loopft_export_runs cascade`
    await fs.rm(outDir, {recursive: true, force: true})
  })

  /** One run of the sink over `texts` (one line per add, or the lines of each inner array as one batch), two examples per round trip, so duplicates meet across batches. */
  async function sinkRun(window: number, texts: Array<string | string[]>) {
    const start = new Date(Date.UTC(2026, 10, window))
    const runId = await startRun(backend.db.sql, {start, end: new Date(start.getTime() + 86_400_000)}, outDir)
    return backend.db.sql.begin(async (tx) => {
      const daily = await PartWriter.open({partPath: () => path.join(outDir, `daily-${window}.jsonl`), maxBytes: 1 << 20, appendToExisting: false, hashParts: false})
      const master = await PartWriter.open({partPath: () => path.join(outDir, 'master.jsonl'), maxBytes: 1 << 20, appendToExisting: true, hashParts: false})
      const sink = await ExampleSink.open(tx, runId, daily, master, 2)
      for (const batch of texts) await sink.add(Buffer.concat([batch].flat().map((text) => line(text).utf8)), [batch].flat().map((text) => line(text).example))
      const written = await sink.close()
      const read = async (file: {temp: string}) => (await fs.readFile(file.temp, 'utf8')).split('\n').filter(Boolean)
      return {counts: sink.counts, daily: await read(written.daily.files[0]), master: written.master.files.length === 0 ? [] : await read(written.master.files[0])}
    })
  }

  it('writes each example once per run to the daily file and once ever to the master, across batches', async () => {
    const first = await sinkRun(1, ['a', 'b', 'c', 'a', 'd', 'b'])
    assert.deepEqual(first.daily, ['a', 'b', 'c', 'd'])
    assert.deepEqual(first.master, ['a', 'b', 'c', 'd'])
    assert.deepEqual(first.counts, {written: 4, duplicateInRun: 2, alreadyInMaster: 0, tooLarge: 0, rejected: 0})
    const lineage = await backend.db.sql<{sha256: string}[]>`select sha256 from loopft_examples order by sha256`
    const hashes = ['a', 'b', 'c', 'd'].map((text) => createHash('sha256').update(`${text}\n`).digest('hex')).sort()
    assert.deepEqual(lineage.map((row) => row.sha256), hashes, 'lineage is keyed by the sha256 of each line with its newline')
    // 'a' and 'c' come from the first run, each twice and in different batches; 'e' is new, twice.
    const second = await sinkRun(2, ['a', 'e', 'c', 'x', 'a', 'e', 'c'])
    assert.deepEqual(second.daily, ['a', 'e', 'c', 'x'])
    assert.deepEqual(second.master, ['e', 'x'])
    assert.deepEqual(second.counts, {written: 4, duplicateInRun: 3, alreadyInMaster: 2, tooLarge: 0, rejected: 0})
  })

  it('takes a processed batch of several lines at once, duplicates inside it and across batches alike', async () => {
    const first = await sinkRun(1, [['a', 'b', 'a'], ['c', 'b', 'd'], ['d']])
    assert.deepEqual(first.daily, ['a', 'b', 'c', 'd'])
    assert.deepEqual(first.master, ['a', 'b', 'c', 'd'])
    assert.deepEqual(first.counts, {written: 4, duplicateInRun: 3, alreadyInMaster: 0, tooLarge: 0, rejected: 0})
    const second = await sinkRun(2, [['b', 'e', 'b'], ['e', 'f']])
    assert.deepEqual(second.daily, ['b', 'e', 'f'])
    assert.deepEqual(second.master, ['e', 'f'])
    assert.deepEqual(second.counts, {written: 3, duplicateInRun: 2, alreadyInMaster: 1, tooLarge: 0, rejected: 0})
  })
})
