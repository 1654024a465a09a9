import assert from 'node:assert/strict'
import {registerCandidate} from '../../../src/lib/serving/registry.js'
import {recordIntent, updateRecord} from '../../../src/lib/training/ledger.js'
import {readStatus} from '../../../src/lib/operations/status.js'
import {useTestDatabase} from '../../support/db.js'

describe('readStatus', () => {
  const t = useTestDatabase()

  const intent = (key: string, estimatedCostUsd: number) => recordIntent(t.sql, {
    idempotencyKey: key, attempt: 1, provider: 'openai', baseModel: 'gpt-4o-mini-2024-07-18', datasetPath: '/d.jsonl', datasetSha256: key,
    datasetBytes: 10, examples: 10, validationExamples: 0, tokensPerEpoch: 1000, nEpochs: 1, suffix: 's', hyperparameters: {n_epochs: 1},
    metadata: {}, estimatedCostUsd, exportRunIds: [],
  })

  it('is empty on a fresh database', async () => {
    const status = await readStatus(t.sql)
    assert.deepEqual([status.exportRuns, status.jobs, status.candidates, status.cycles, status.serving.model, status.cost.spentThisMonthUsd], [[], [], [], [], null, 0])
  })

  it('shows runs, jobs, candidates, the served model and what this month cost', async () => {
    await t.sql`
      insert into loopft_export_runs (idempotency_key, status, window_start, window_end, out_dir, examples_written, finished_at)
      values ('e1', 'succeeded', now() - interval '1 day', now(), '/x', 42, now())`
    const done = await intent('a', 0.5)
    await updateRecord(t.sql, done.id, {jobId: 'ftjob-a', status: 'succeeded', actualCostUsd: 0.25})
    const running = await intent('b', 1)
    await updateRecord(t.sql, running.id, {jobId: 'ftjob-b', status: 'running'})
    const failed = await intent('c', 4)
    await updateRecord(t.sql, failed.id, {jobId: 'ftjob-c', status: 'failed'})
    await intent('d', 8) // never left 'uploading': nothing spent
    await registerCandidate(t.sql, {name: 'ft:gpt-4o-mini-2024-07-18:org::aaaa1111', baseModel: 'gpt-4o-mini-2024-07-18', jobId: 'ftjob-a'})
    await t.sql`insert into loopft_config (key, value) values ('serving', ${t.sql.json({model: 'ft:gpt-4o-mini-2024-07-18:org::zzzz9999', canary: null})})`
    await t.sql`insert into loopft_cycles (status, steps, candidate, finished_at) values ('succeeded', ${t.sql.json({tune: {state: 'done', detail: 'ftjob-a'}})}, 'ft:gpt-4o-mini-2024-07-18:org::aaaa1111', now())`
    const status = await readStatus(t.sql, {monthlyBudgetUsd: 20})
    assert.deepEqual(status.cycles.map((cycle) => [cycle.status, cycle.steps.tune?.state, cycle.candidate]), [['succeeded', 'done', 'ft:gpt-4o-mini-2024-07-18:org::aaaa1111']])
    assert.deepEqual(status.exportRuns.map((run) => [run.status, run.examplesWritten]), [['succeeded', 42]])
    assert.deepEqual(status.jobs.map((job) => job.jobId), [null, 'ftjob-c', 'ftjob-b', 'ftjob-a'])
    assert.deepEqual(status.candidates.map((model) => model.name), ['ft:gpt-4o-mini-2024-07-18:org::aaaa1111'])
    assert.equal(status.serving.model, 'ft:gpt-4o-mini-2024-07-18:org::zzzz9999')
    assert.deepEqual(status.cost, {spentThisMonthUsd: 1.25, monthlyBudgetUsd: 20})
  })
})
