import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {runLoopftBounded} from './helpers.js'

describe('faults: flag edge cases, a NUL gold line, redact on a closed pipe', function () {
  this.timeout(180_000)
  const t = useTestDatabase()
  let work: string
  const env = () => ({DATABASE_URL: t.url, LOOPFT_OUT_DIR: path.join(work, 'exports'), LOOPFT_HOME: path.join(work, 'home')})

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-fault-flags-'))
  })
  after(async () => {
    await fs.rm(work, {recursive: true, force: true})
  })

  const cases: Array<[string, string[], number, string]> = [
    ['--since 9999999d (out of the timestamp range)', ['export', '--since', '9999999d'], 2, 'USAGE'],
    ['--since 5 (a number without a unit)', ['export', '--since', '5'], 2, 'USAGE'],
    ['--out \'\' (would be the current folder)', ['export', '--since', '24h', '--out', ''], 2, 'USAGE'],
    ['--max-bytes -1', ['export', '--since', '24h', '--max-bytes', '-1'], 2, 'USAGE'],
    ['--max-cost -5', ['tune', '--since', '7d', '--max-cost', '-5'], 2, 'USAGE'],
  ]
  for (const [name, args, status, code] of cases) {
    it(`${name}: exit ${status} ${code}`, async () => {
      const result = await runLoopftBounded([...args, '--json'], env())
      assert.deepEqual([result.status, result.json?.error?.code], [status, code], result.stdout + result.stderr)
    })
  }

  it('a gold file with a NUL character: exit 5 naming its line', async () => {
    const gold = path.join(work, 'gold.jsonl')
    await fs.writeFile(gold, `${JSON.stringify({messages: [{role: 'user', content: 'ok'}], ideal: 'fine'})}\n${JSON.stringify({messages: [{role: 'user', content: 'nul\u0000'}], ideal: 'x'})}\n`)
    const result = await runLoopftBounded(['export', '--since', '24h', '--json'], {...env(), LOOPFT_GOLD_FILE: gold})
    assert.deepEqual([result.status, result.json?.error?.code], [5, 'INPUT_INVALID'])
    assert.match(result.json.error.message, /gold\.jsonl:2:/)
  })

  it('redact … | head ends quietly (exit 0, nothing on stderr)', () => {
    const lines = Array.from({length: 20_000}, (_, index) => `ticket ${index}: write to someone${index}@example.com`).join('\n')
    const result = spawnSync('bash', ['-c', 'set -o pipefail; node bin/run.js redact | head -1'], {input: lines, encoding: 'utf8', timeout: 60_000})
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, 'ticket 0: write to [EMAIL]\n', ''])
  })

  it('redact reads the import format (one message per line) and redacts its content', () => {
    const line = JSON.stringify({conversation_id: 'c1', user_id: 'u1', role: 'user', content: 'Mail oliver@web.de please', created_at: '2026-11-01T08:00:31.524Z'})
    const result = spawnSync(process.execPath, ['bin/run.js', 'redact'], {input: `${line}\n`, encoding: 'utf8', timeout: 60_000})
    assert.equal(result.status, 0, result.stderr)
    assert.equal(JSON.parse(result.stdout).content, 'Mail [EMAIL] please')
  })
})
