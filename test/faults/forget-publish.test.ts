import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {completePendingPublishes} from '../../src/lib/export/publish.js'
import {lineHash} from '../../src/lib/export/line-filter.js'
import {collectExportedDataset} from '../../src/lib/training/dataset.js'
import {useTestDatabase} from '../support/db.js'
import {leftovers, linesOf, runLoopftBounded} from './helpers.js'

const SAMPLE = path.resolve('examples/conversations.jsonl')
const KILL_ON_RENAME = path.resolve('test/faults/kill-on-rename.mjs')
const USER = 'user-00004'

// A crash at each step of export's publish (before the daily file's rename, between it and the
// master's, after both but before the run row is cleared), then forget, then another export.
const STEPS: Array<{name: string; env: Record<string, string>}> = [
  {name: 'before the first rename', env: {LOOPFT_FAULT_KILL_BEFORE_RENAME: '1'}},
  {name: 'between the renames', env: {LOOPFT_FAULT_KILL_BEFORE_RENAME: '2'}},
  {name: 'after the last rename', env: {LOOPFT_FAULT_KILL_AFTER_RENAME: '2'}},
]

describe('faults: forget is final across a crashed publish', function () {
  this.timeout(600_000)
  const t = useTestDatabase()
  let work: string
  const out = () => path.join(work, 'exports')
  const env = () => ({DATABASE_URL: t.url, LOOPFT_OUT_DIR: out(), LOOPFT_HOME: path.join(work, 'home')})

  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-fault-forget-'))
    const imported = await runLoopftBounded(['import', SAMPLE, '--relative-to-now', '--json'], env())
    assert.equal(imported.status, 0, imported.stderr)
  })
  afterEach(async () => {
    await t.sql`truncate conversation_messages, loopft_examples, loopft_export_runs, loopft_tombstones cascade`
    await fs.rm(work, {recursive: true, force: true})
  })

  for (const step of STEPS) {
    it(`a kill ${step.name}: forget removes the user everywhere and no later export brings them back`, async () => {
      const killed = await runLoopftBounded(['export', '--since', '48h', '--json'], {...env(), ...step.env}, {preload: KILL_ON_RENAME})
      assert.equal(killed.signal, 'SIGKILL', `the hook killed export: ${killed.stderr}`)
      const userLines = new Set((await t.sql<{sha256: string}[]>`select sha256 from loopft_examples where user_ids @> array[${USER}]::text[]`).map((row) => row.sha256))
      assert.ok(userLines.size > 0, 'the killed run committed the user\'s examples')

      const forgot = await runLoopftBounded(['forget', '--user', USER, '--yes', '--json'], env())
      assert.equal(forgot.status, 0, forgot.stderr)
      assert.ok(forgot.json.files.some((file: {linesRemoved: number}) => file.linesRemoved > 0), 'forget found the user\'s lines in the published files')
      const [{pending}] = await t.sql<{pending: string}[]>`select count(*) as pending from loopft_export_runs where pending_files is not null`
      assert.equal(Number(pending), 0, 'forget completed the pending publish')

      const again = await runLoopftBounded(['export', '--since', '48h', '--json'], env())
      assert.equal(again.status, 0, again.stderr)
      const daily = await linesOf(out(), 'fine_tune_')
      const master = await linesOf(out(), 'master')
      assert.deepEqual([daily.filter((line) => userLines.has(lineHash(line))).length, master.filter((line) => userLines.has(lineHash(line))).length], [0, 0])
      assert.ok(daily.length > 0 && master.length > 0)
      assert.equal(new Set(master).size, master.length, 'no duplicate master lines')
      assert.deepEqual(await leftovers(out()), [])

      const second = await runLoopftBounded(['forget', '--user', USER, '--yes', '--json'], env())
      assert.deepEqual([second.status, second.json.alreadyForgotten, second.json.messagesDeleted, second.json.examplesDeleted, second.json.files], [0, true, 0, 0, []])
    })
  }

  it('tune finishes a crashed publish instead of failing on the missing daily file', async () => {
    const killed = await runLoopftBounded(['export', '--since', '48h', '--json'], {...env(), LOOPFT_FAULT_KILL_BEFORE_RENAME: '1'}, {preload: KILL_ON_RENAME})
    assert.equal(killed.signal, 'SIGKILL')
    const window = {since: new Date(Date.now() - 7 * 86_400_000), until: new Date()}
    await assert.rejects(collectExportedDataset(t.sql, window), (error: {code?: string}) => error.code === 'INPUT_INVALID', 'the daily file is not in place yet')
    await completePendingPublishes(t.db)
    const dataset = await collectExportedDataset(t.sql, window)
    assert.ok(dataset.content.length > 0 && dataset.sourceFiles.length === 1)
  })
})
