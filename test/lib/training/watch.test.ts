import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {listModels} from '../../../src/lib/serving/registry.js'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import {startFineTune} from '../../../src/lib/training/tune.js'
import {watchFineTuneJob, type WatchOptions, type WatchUpdate} from '../../../src/lib/training/watch.js'
import {useTestDatabase} from '../../support/db.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {dataset} from './fixtures.js'

describe('watchFineTuneJob', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  let dir: string
  let sequence = 0

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-watch-'))
  })
  after(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  const provider = () => createOpenAIProvider(openai.client({maxRetries: 2}), {filePollMs: 1})
  /** Starts a job through tune (a fresh dataset each time) and returns its id. */
  async function startJob(): Promise<string> {
    sequence += 1
    const file = path.join(dir, `train-${sequence}.jsonl`)
    await fs.writeFile(file, dataset(12, sequence * 100))
    const result = await startFineTune({db: t.db, provider: provider(), retryDelayMs: 1}, {
      file, baseModel: 'gpt-4o-mini-2024-07-18', epochs: 1, dryRun: false, force: false, outDir: dir, loopftVersion: 'test',
    })
    return result.record!.jobId!
  }
  function watch(options: Partial<WatchOptions> = {}) {
    const updates: WatchUpdate[] = []
    const run = watchFineTuneJob({sql: t.sql, provider: provider(), onUpdate: (update) => updates.push(update)}, {
      intervalMs: 1, timeoutMs: 60_000, stuckAfterMs: 3_600_000, ...options,
    })
    return {run, updates}
  }
  const events = (updates: WatchUpdate[]) => updates.flatMap((update) => (update.type === 'event' ? [update.event.id] : []))

  it('follows a job to success: records model, tokens and actual cost, keeps step metrics, registers a candidate', async () => {
    const jobId = await startJob()
    openai.standin.setAdvanceOnPoll(true)
    const {run, updates} = watch({jobId})
    const result = await run
    const job = openai.standin.store.jobs.get(jobId)!
    assert.deepEqual([result.status, result.fineTunedModel, result.trainedTokens], ['succeeded', job.fine_tuned_model, job.trained_tokens])
    assert.equal(result.actualCostUsd, result.record?.estimatedCostUsd, 'one epoch: actual = estimate')
    assert.deepEqual([result.record?.status, result.record?.fineTunedModel], ['succeeded', job.fine_tuned_model])
    const [candidate] = await listModels(t.sql, {statuses: ['candidate']})
    assert.deepEqual([candidate.name, candidate.jobId, candidate.baseModel, candidate.datasetSha256], [job.fine_tuned_model, jobId, 'gpt-4o-mini-2024-07-18', result.record?.datasetSha256])
    const csvRows = openai.standin.store.files.get(job.result_files[0])!.content.toString().trim().split('\n').length - 1
    assert.deepEqual([result.metrics.steps, typeof result.metrics.last?.train_loss], [csvRows, 'number'])
    const all = openai.standin.store.events.get(jobId)!.map((event) => event.id)
    assert.deepEqual(events(updates), all, 'every event once, oldest first')
    const statuses = updates.flatMap((update) => (update.type === 'status' ? [update.status] : []))
    assert.deepEqual([...new Set(statuses)], ['queued', 'running', 'succeeded'])
  })

  it('--latest watches the job tune started last', async () => {
    await startJob()
    const latest = await startJob()
    openai.standin.advanceJob(latest, 'succeeded')
    assert.equal((await watch().run).jobId, latest)
  })

  it('prints each event once across watcher restarts', async () => {
    const jobId = await startJob()
    const first = watch({jobId, timeoutMs: 0})
    await assert.rejects(first.run, {code: 'STILL_RUNNING'})
    openai.standin.advanceJob(jobId, 'running')
    const second = watch({jobId, timeoutMs: 0})
    await assert.rejects(second.run, {code: 'STILL_RUNNING'})
    openai.standin.advanceJob(jobId, 'succeeded')
    const third = watch({jobId})
    await third.run
    const shown = [...events(first.updates), ...events(second.updates), ...events(third.updates)]
    assert.deepEqual(shown, openai.standin.store.events.get(jobId)!.map((event) => event.id))
    assert.ok(events(first.updates).length > 0 && events(second.updates).length > 0)
  })

  it('a failed job records its error and ends with JOB_FAILED', async () => {
    openai.standin.failNextJobValidation('Invalid file format.')
    const jobId = await startJob()
    openai.standin.advanceJob(jobId)
    await assert.rejects(watch({jobId}).run, (error: {code: string; exitCode: number; details: {record: {status: string; error: {code: string}}}}) =>
      error.code === 'JOB_FAILED' && error.exitCode === 9 && error.details.record.status === 'failed' && error.details.record.error.code === 'invalid_training_file')
    assert.equal((await listModels(t.sql, {statuses: ['candidate']})).some((model) => model.jobId === jobId), false)
  })

  it('a failure while running is JOB_FAILED too', async () => {
    const jobId = await startJob()
    openai.standin.advanceJob(jobId, 'running')
    openai.standin.advanceJob(jobId, 'failed')
    await assert.rejects(watch({jobId}).run, {code: 'JOB_FAILED'})
  })

  it('a cancelled job ends with JOB_CANCELLED', async () => {
    const jobId = await startJob()
    openai.standin.advanceJob(jobId, 'cancelled')
    await assert.rejects(watch({jobId}).run, (error: {code: string; exitCode: number}) => error.code === 'JOB_CANCELLED' && error.exitCode === 10)
    const [row] = await t.sql<{status: string}[]>`select status from loopft_training_jobs where job_id = ${jobId}`
    assert.equal(row.status, 'cancelled')
  })

  it('rides out 500s and 429s beyond the SDK retries with its own backoff', async () => {
    const jobId = await startJob()
    openai.standin.advanceJob(jobId, 'succeeded')
    openai.standin.injectFault({method: 'GET', path: `/fine_tuning/jobs/${jobId}`, status: 500, retryAfterMs: 1, times: 3})
    openai.standin.injectFault({method: 'GET', path: `/fine_tuning/jobs/${jobId}/events`, status: 429, retryAfterMs: 1, times: 3})
    const {run, updates} = watch({jobId})
    assert.equal((await run).status, 'succeeded')
    assert.equal(updates.filter((update) => update.type === 'retrying').length, 2)
  })

  it('does not ride out a job that does not exist', async () => {
    await assert.rejects(watch({jobId: 'ftjob-missing'}).run, {code: 'NOT_FOUND'})
  })

  it('warns once per status when a job sits there past the threshold', async () => {
    const jobId = await startJob()
    const {run, updates} = watch({jobId, stuckAfterMs: 0, timeoutMs: 0})
    await assert.rejects(run, {code: 'STILL_RUNNING'})
    assert.deepEqual(updates.filter((update) => update.type === 'stuck').map((update) => update.type === 'stuck' && update.status), ['validating_files'])
  })

  it('an abort stops watching with INTERRUPTED and leaves the job running', async () => {
    const jobId = await startJob()
    const controller = new AbortController()
    const watching = watchFineTuneJob({sql: t.sql, provider: provider(), onUpdate: (update) => update.type === 'status' && controller.abort()}, {
      jobId, intervalMs: 60_000, timeoutMs: 3_600_000, stuckAfterMs: 3_600_000, signal: controller.signal,
    })
    await assert.rejects(watching, (error: {code: string; suggestion: string}) => error.code === 'INTERRUPTED' && error.suggestion.includes(`watch-job ${jobId}`))
    assert.equal(openai.standin.store.jobs.get(jobId)!.status, 'validating_files')
    assert.equal(openai.standin.requests.some((request) => request.path.endsWith('/cancel')), false)
  })
})
