import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'

export type LedgerStatus = 'uploading' | 'creating' | 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

/** One attempt to train one dataset on one base model: the JSON that tune, watch-job and status print. */
export interface TrainingRecord {
  id: number
  idempotencyKey: string
  attempt: number
  provider: string
  baseModel: string
  datasetPath: string
  datasetSha256: string
  datasetBytes: number
  examples: number
  validationExamples: number
  tokensPerEpoch: number
  nEpochs: number
  suffix: string
  hyperparameters: Record<string, unknown>
  metadata: Record<string, string>
  estimatedCostUsd: number
  actualCostUsd: number | null
  trainedTokens: number | null
  trainingFileId: string | null
  validationFileId: string | null
  jobId: string | null
  status: LedgerStatus
  fineTunedModel: string | null
  resultFiles: string[]
  error: {code: string | null; message: string | null; param?: string | null} | null
  exportRunIds: number[]
  createdAt: Date
  updatedAt: Date
  finishedAt: Date | null
}

export type IntentInput = Pick<TrainingRecord, 'idempotencyKey' | 'attempt' | 'provider' | 'baseModel' | 'datasetPath' | 'datasetSha256' | 'datasetBytes'
  | 'examples' | 'validationExamples' | 'tokensPerEpoch' | 'nEpochs' | 'suffix' | 'hyperparameters' | 'metadata' | 'estimatedCostUsd' | 'exportRunIds'>

export interface LedgerPatch {
  status?: LedgerStatus
  examples?: number
  validationExamples?: number
  tokensPerEpoch?: number
  nEpochs?: number
  estimatedCostUsd?: number
  trainingFileId?: string | null
  validationFileId?: string | null
  jobId?: string
  hyperparameters?: Record<string, unknown>
  fineTunedModel?: string | null
  trainedTokens?: number | null
  actualCostUsd?: number | null
  resultFiles?: string[]
  error?: TrainingRecord['error']
  finishedAt?: Date | null
}

/** Records the intent to train, before any upload or create, so a crash leaves something to resume. */
export async function recordIntent(sql: Sql, input: IntentInput): Promise<TrainingRecord> {
  const [row] = await sql<Row[]>`
    insert into loopft_training_jobs (idempotency_key, attempt, provider, base_model, dataset_path, dataset_sha256, dataset_bytes, examples,
      validation_examples, tokens_per_epoch, n_epochs, suffix, hyperparameters, metadata, estimated_cost_usd, export_run_ids, status)
    values (${input.idempotencyKey}, ${input.attempt}, ${input.provider}, ${input.baseModel}, ${input.datasetPath}, ${input.datasetSha256},
      ${input.datasetBytes}, ${input.examples}, ${input.validationExamples}, ${input.tokensPerEpoch}, ${input.nEpochs}, ${input.suffix},
      ${sql.json(input.hyperparameters as never)}, ${sql.json(input.metadata)}, ${input.estimatedCostUsd}, ${input.exportRunIds}, 'uploading')
    returning *`
  return toRecord(row)
}

export async function updateRecord(sql: Sql, id: number, patch: LedgerPatch): Promise<TrainingRecord> {
  const columns: Record<string, unknown> = {updated_at: new Date()}
  const names: Record<keyof LedgerPatch, string> = {
    status: 'status', examples: 'examples', validationExamples: 'validation_examples', tokensPerEpoch: 'tokens_per_epoch', nEpochs: 'n_epochs',
    estimatedCostUsd: 'estimated_cost_usd', trainingFileId: 'training_file_id', validationFileId: 'validation_file_id', jobId: 'job_id', hyperparameters: 'hyperparameters',
    fineTunedModel: 'fine_tuned_model', trainedTokens: 'trained_tokens', actualCostUsd: 'actual_cost_usd', resultFiles: 'result_files', error: 'error', finishedAt: 'finished_at',
  }
  for (const [key, value] of Object.entries(patch) as Array<[keyof LedgerPatch, unknown]>) {
    if (value === undefined) continue
    columns[names[key]] = (key === 'hyperparameters' || key === 'error') && value !== null ? sql.json(value as never) : value
  }
  const [row] = await sql<Row[]>`update loopft_training_jobs set ${sql(columns as never)} where id = ${id} returning *`
  return toRecord(row)
}

/** The newest attempt for an idempotency key. */
export async function latestAttempt(sql: Sql, idempotencyKey: string): Promise<TrainingRecord | undefined> {
  const [row] = await sql<Row[]>`select * from loopft_training_jobs where idempotency_key = ${idempotencyKey} order by attempt desc limit 1`
  return row === undefined ? undefined : toRecord(row)
}

export async function findRecordByJob(sql: Sql, jobId: string): Promise<TrainingRecord | undefined> {
  const [row] = await sql<Row[]>`select * from loopft_training_jobs where job_id = ${jobId}`
  return row === undefined ? undefined : toRecord(row)
}

/** The job of the most recent attempt that got one (watch-job --latest). */
export async function latestJobRecord(sql: Sql): Promise<TrainingRecord> {
  const [row] = await sql<Row[]>`select * from loopft_training_jobs where job_id is not null order by created_at desc, id desc limit 1`
  if (row === undefined) throw new LoopftError('NOT_FOUND', 'no fine-tuning job has been started yet', {suggestion: 'run: loopft tune'})
  return toRecord(row)
}

export async function recentRecords(sql: Sql, limit: number): Promise<TrainingRecord[]> {
  const rows = await sql<Row[]>`select * from loopft_training_jobs order by created_at desc, id desc limit ${limit}`
  return rows.map(toRecord)
}

/**
 * USD committed this calendar month (UTC): actual cost where known, else the
 * estimate. Attempts that never reached the provider and jobs that failed (not
 * billed) are left out; an attempt stuck in 'creating' may have a job, so it counts.
 */
export async function spentThisMonth(sql: Sql, now: Date, excludeId?: number): Promise<number> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  const [{spent}] = await sql<{spent: string}[]>`
    select coalesce(sum(coalesce(actual_cost_usd, estimated_cost_usd)), 0) as spent from loopft_training_jobs
    where created_at >= ${monthStart} and status not in ('uploading', 'failed') and id <> ${excludeId ?? -1}`
  return Number(spent)
}

interface Row {
  id: string
  idempotency_key: string
  attempt: number
  provider: string
  base_model: string
  dataset_path: string
  dataset_sha256: string
  dataset_bytes: string
  examples: number
  validation_examples: number
  tokens_per_epoch: string
  n_epochs: number
  suffix: string
  hyperparameters: Record<string, unknown>
  metadata: Record<string, string>
  estimated_cost_usd: string
  actual_cost_usd: string | null
  trained_tokens: string | null
  training_file_id: string | null
  validation_file_id: string | null
  job_id: string | null
  status: LedgerStatus
  fine_tuned_model: string | null
  result_files: string[]
  error: TrainingRecord['error']
  export_run_ids: string[]
  created_at: Date
  updated_at: Date
  finished_at: Date | null
}

const numberOrNull = (value: string | null): number | null => (value === null ? null : Number(value))

function toRecord(row: Row): TrainingRecord {
  return {
    id: Number(row.id),
    idempotencyKey: row.idempotency_key,
    attempt: row.attempt,
    provider: row.provider,
    baseModel: row.base_model,
    datasetPath: row.dataset_path,
    datasetSha256: row.dataset_sha256,
    datasetBytes: Number(row.dataset_bytes),
    examples: row.examples,
    validationExamples: row.validation_examples,
    tokensPerEpoch: Number(row.tokens_per_epoch),
    nEpochs: row.n_epochs,
    suffix: row.suffix,
    hyperparameters: row.hyperparameters,
    metadata: row.metadata,
    estimatedCostUsd: Number(row.estimated_cost_usd),
    actualCostUsd: numberOrNull(row.actual_cost_usd),
    trainedTokens: numberOrNull(row.trained_tokens),
    trainingFileId: row.training_file_id,
    validationFileId: row.validation_file_id,
    jobId: row.job_id,
    status: row.status,
    fineTunedModel: row.fine_tuned_model,
    resultFiles: row.result_files,
    error: row.error,
    exportRunIds: row.export_run_ids.map(Number),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  }
}
