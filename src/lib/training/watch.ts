import {setTimeout as sleep} from 'node:timers/promises'
import {getModelInfo, trainingCost, type CatalogOverrides} from './model-catalog.js'
import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {registerCandidate, type RegisteredModel} from '../serving/registry.js'
import {saveStepMetrics, seenEventIds, stepMetricsSummary, takeNewEvents} from './job-log.js'
import {findRecordByJob, latestJobRecord, updateRecord, type TrainingRecord} from './ledger.js'
import {isTransient, type Deployment, type JobEvent, type JobStatus, type TrainingJob, type TrainingProvider} from './provider.js'
import {deployJob} from '../serving/deploy.js'

export interface WatchDeps {
  sql: Sql
  provider: TrainingProvider
  catalog?: CatalogOverrides
  now?: () => Date
  onUpdate?: (update: WatchUpdate) => void
}

export interface WatchOptions {
  /** The job to watch; the latest one tune started when omitted. */
  jobId?: string
  intervalMs: number
  timeoutMs: number
  /** Warn once a job sits in one non-terminal status this long. */
  stuckAfterMs: number
  /** Abort (Ctrl-C) stops watching and leaves the job running. */
  signal?: AbortSignal
}

export type WatchUpdate =
  | {type: 'event'; event: JobEvent}
  | {type: 'status'; jobId: string; status: JobStatus; elapsedMs: number}
  | {type: 'stuck'; jobId: string; status: JobStatus; forMs: number}
  | {type: 'retrying'; message: string; delayMs: number}
  | {type: 'deploying'; jobId: string; deployment: Deployment}

export interface WatchResult {
  jobId: string
  status: 'succeeded'
  /** The name chat requests use: the fine-tuned model, or what deploying it made callable. */
  fineTunedModel: string
  deployment: Deployment
  trainedTokens: number | null
  actualCostUsd: number | null
  model: RegisteredModel
  metrics: {steps: number; last: Record<string, number> | null}
  record: TrainingRecord | null
}

const MAX_BACKOFF_MS = 5 * 60_000

/**
 * Watches a fine-tuning job to its end: shows each new event once (also across
 * watcher restarts), keeps the ledger's status current, warns about stuck jobs
 * and rides out transient API errors. On success it records the model, tokens
 * and actual cost, keeps the step metrics and registers the model as a
 * candidate; failure, cancellation, timeout and abort are distinct errors.
 */
export async function watchFineTuneJob(deps: WatchDeps, options: WatchOptions): Promise<WatchResult> {
  const now = () => deps.now?.() ?? new Date()
  const jobId = options.jobId ?? (await latestJobRecord(deps.sql)).jobId!
  let record = await findRecordByJob(deps.sql, jobId)
  const seen = await seenEventIds(deps.sql, jobId)
  const started = now().getTime()
  let status: {value: JobStatus | undefined; since: number; warned: boolean} = {value: record?.status as JobStatus | undefined, since: record?.updatedAt.getTime() ?? started, warned: false}
  for (let failures = 0; ;) {
    assertNotAborted(options.signal, jobId)
    let job: TrainingJob
    try {
      job = await deps.provider.getJob(jobId)
      for (const event of await takeNewEvents(deps.sql, deps.provider, jobId, seen)) deps.onUpdate?.({type: 'event', event})
      failures = 0
    } catch (error) {
      if (!isTransient(error)) throw error
      const delayMs = Math.min(Math.max(options.intervalMs, 1) * 2 ** failures, MAX_BACKOFF_MS)
      failures += 1
      deps.onUpdate?.({type: 'retrying', message: (error as Error).message, delayMs})
      await pause(delayMs, options.signal, jobId)
      continue
    }
    const at = now().getTime()
    if (job.status !== status.value) {
      status = {value: job.status, since: at, warned: false}
      if (record !== undefined) record = await updateRecord(deps.sql, record.id, {status: job.status, hyperparameters: job.hyperparameters})
    }
    deps.onUpdate?.({type: 'status', jobId, status: job.status, elapsedMs: at - job.createdAt.getTime()})
    if (job.status === 'succeeded') return finishSucceeded(deps, job, record, options)
    if (job.status === 'failed' || job.status === 'cancelled') return finishUnsuccessful(deps, job, record)
    if (!status.warned && at - status.since >= options.stuckAfterMs) {
      status.warned = true
      deps.onUpdate?.({type: 'stuck', jobId, status: job.status, forMs: at - status.since})
    }
    if (at - started >= options.timeoutMs) {
      throw new LoopftError('STILL_RUNNING', `job ${jobId} is still ${job.status} after watching for ${Math.round(options.timeoutMs / 60_000)} min`, {
        suggestion: `resume with: loopft watch-job ${jobId}`, details: {jobId, status: job.status},
      })
    }
    await pause(options.intervalMs, options.signal, jobId)
  }
}

/**
 * Records the finished job, deploys its model where the provider needs a step
 * for that, and registers it as a candidate only once a smoke chat answers.
 */
async function finishSucceeded(deps: WatchDeps, job: TrainingJob, record: TrainingRecord | undefined, options: WatchOptions): Promise<WatchResult> {
  const steps = job.resultFiles.length > 0
    ? await deps.provider.readStepMetrics(job.resultFiles[0])
    : (await deps.provider.listCheckpoints(job.id)).map(({step, metrics}) => ({step, metrics}))
  await saveStepMetrics(deps.sql, job.id, steps)
  const baseModel = record?.baseModel ?? job.model
  const actualCostUsd = job.trainedTokens === null ? null : trainingCost(job.trainedTokens, getModelInfo(baseModel, deps.catalog))
  let updated = record === undefined ? null : await updateRecord(deps.sql, record.id, {
    status: 'succeeded', fineTunedModel: job.fineTunedModel, trainedTokens: job.trainedTokens, actualCostUsd, resultFiles: job.resultFiles, finishedAt: job.finishedAt ?? new Date(), error: null,
  })
  const deployment = await deployJob({sql: deps.sql, provider: deps.provider}, job, {
    intervalMs: options.intervalMs, timeoutMs: options.timeoutMs, signal: options.signal, now: deps.now,
    onUpdate: (current) => deps.onUpdate?.({type: 'deploying', jobId: job.id, deployment: current}),
  })
  const fineTunedModel = deployment.model
  if (updated !== null && updated.fineTunedModel !== fineTunedModel) updated = await updateRecord(deps.sql, updated.id, {fineTunedModel})
  const model = await registerCandidate(deps.sql, {
    name: fineTunedModel, baseModel, provider: deps.provider.name, jobId: job.id,
    trainingFileId: record?.trainingFileId ?? undefined, datasetSha256: record?.datasetSha256,
  })
  return {jobId: job.id, status: 'succeeded', fineTunedModel, deployment, trainedTokens: job.trainedTokens, actualCostUsd, model, metrics: await stepMetricsSummary(deps.sql, job.id), record: updated}
}

async function finishUnsuccessful(deps: WatchDeps, job: TrainingJob, record: TrainingRecord | undefined): Promise<never> {
  const updated = record === undefined ? null : await updateRecord(deps.sql, record.id, {status: job.status, error: job.error, finishedAt: job.finishedAt ?? new Date()})
  const details = {jobId: job.id, status: job.status, error: job.error, record: updated}
  if (job.status === 'cancelled') {
    throw new LoopftError('JOB_CANCELLED', `job ${job.id} was cancelled`, {suggestion: 'start a new attempt with: loopft tune --force', details})
  }
  const reason = [job.error?.code, job.error?.message].filter(Boolean).join(': ') || 'no reason given'
  throw new LoopftError('JOB_FAILED', `job ${job.id} failed: ${reason}`, {
    suggestion: job.error?.param === 'training_file' ? 'fix the dataset, then: loopft tune --force' : 'retry with: loopft tune --force',
    details,
  })
}

function interrupted(jobId: string): LoopftError {
  return new LoopftError('INTERRUPTED', `stopped watching; job ${jobId} keeps running`, {suggestion: `resume with: loopft watch-job ${jobId}`, details: {jobId}})
}

function assertNotAborted(signal: AbortSignal | undefined, jobId: string): void {
  if (signal?.aborted) throw interrupted(jobId)
}

async function pause(ms: number, signal: AbortSignal | undefined, jobId: string): Promise<void> {
  try {
    await sleep(ms, undefined, {signal})
  } catch {
    throw interrupted(jobId)
  }
}
