import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {createOpenAIProvider} from '../../src/lib/training/openai-provider.js'
import {startFineTune} from '../../src/lib/training/tune.js'
import type {FaultSpec} from '../support/openai-standin/faults.js'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'
import {dataset} from '../lib/training/fixtures.js'

// What the issue tried: answers lost before or after the provider did the work, on upload and on create.
const FAULTS: Array<{name: string; faults: FaultSpec[]}> = [
  {name: 'upload answered 500 after the file was stored', faults: [{method: 'POST', path: '/files', kind: 'commit-then-status', status: 500, times: 2}]},
  {name: 'upload dropped after the file was stored', faults: [{method: 'POST', path: '/files', kind: 'commit-then-drop', times: 2}]},
  {name: 'upload answered 500 and dropped without storing', faults: [{method: 'POST', path: '/files', status: 500, retryAfterMs: 1}, {method: 'POST', path: '/files', kind: 'drop-connection'}]},
  {name: 'create answered 500 after the job was created', faults: [{method: 'POST', path: '/fine_tuning/jobs', kind: 'commit-then-status', status: 500}]},
  {name: 'create dropped after the job was created', faults: [{method: 'POST', path: '/fine_tuning/jobs', kind: 'commit-then-drop'}]},
  {name: 'both at once', faults: [{method: 'POST', path: '/files', kind: 'commit-then-drop'}, {method: 'POST', path: '/fine_tuning/jobs', kind: 'commit-then-status', status: 500}]},
]

describe('faults: upload and create faults leave one file and one job per dataset at the provider', function () {
  this.timeout(120_000)
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  let dir: string

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-fault-upload-'))
  })
  after(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })
  afterEach(async () => {
    await t.sql`truncate loopft_training_jobs cascade`
  })

  for (const [index, scenario] of FAULTS.entries()) {
    it(scenario.name, async () => {
      const file = path.join(dir, `train-${index}.jsonl`)
      await fs.writeFile(file, dataset(20, index * 100))
      for (const fault of scenario.faults) openai.standin.injectFault(fault)
      const provider = createOpenAIProvider(openai.client({maxRetries: 2}), {filePollMs: 1})
      const result = await startFineTune({db: t.db, provider, retryDelayMs: 1}, {
        file, baseModel: 'gpt-4o-mini-2024-07-18', epochs: 1, dryRun: false, force: false, outDir: dir, loopftVersion: '0.1.0-test',
      })
      const files = [...openai.standin.store.files.values()].filter((stored) => stored.purpose === 'fine-tune')
      const jobs = [...openai.standin.store.jobs.values()]
      assert.deepEqual([files.length, jobs.length], [1, 1])
      assert.deepEqual([result.record?.trainingFileId, result.record?.jobId], [files[0].id, jobs[0].id], 'the ledger records what the provider holds, so prune and forget delete it')
    })
  }
})
