import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'

export type ModelStatus = 'candidate' | 'promoted' | 'retired' | 'deleted'

export interface RegisteredModel {
  name: string
  baseModel: string
  provider: string
  jobId: string | null
  trainingFileId: string | null
  datasetSha256: string | null
  status: ModelStatus
  evaluation: EvaluationSummary | null
  createdAt: Date
}

/** What evaluate stores on the model; promote reads `verdict`. */
export interface EvaluationSummary {
  verdict: 'pass' | 'fail' | 'error'
  evaluationId: number
  baseline: string
  primaryMetric: string
  difference: number
  at: string
}

export interface CandidateInput {
  name: string
  baseModel: string
  provider?: string
  jobId?: string
  trainingFileId?: string
  datasetSha256?: string
}

/** Registers a freshly trained model as a candidate; registering it again changes nothing. */
export async function registerCandidate(sql: Sql, input: CandidateInput): Promise<RegisteredModel> {
  await sql`
    insert into loopft_models (name, base_model, provider, job_id, training_file_id, dataset_sha256)
    values (${input.name}, ${input.baseModel}, ${input.provider ?? 'openai'}, ${input.jobId ?? null}, ${input.trainingFileId ?? null}, ${input.datasetSha256 ?? null})
    on conflict (name) do nothing`
  return getModel(sql, input.name)
}

export async function findModel(sql: Sql, name: string): Promise<RegisteredModel | undefined> {
  const [row] = await sql<ModelRow[]>`select * from loopft_models where name = ${name}`
  return row === undefined ? undefined : toModel(row)
}

export async function getModel(sql: Sql, name: string): Promise<RegisteredModel> {
  const model = await findModel(sql, name)
  if (model === undefined) throw new LoopftError('NOT_FOUND', `model ${name} is not in the registry`, {suggestion: 'see: loopft status'})
  return model
}

export async function listModels(sql: Sql, options: {statuses?: ModelStatus[]; limit?: number} = {}): Promise<RegisteredModel[]> {
  const statuses = options.statuses ?? ['candidate', 'promoted', 'retired', 'deleted']
  const rows = await sql<ModelRow[]>`
    select * from loopft_models where status = any(${statuses}) order by created_at desc, name limit ${options.limit ?? 1000}`
  return rows.map(toModel)
}

export async function recordEvaluation(sql: Sql, name: string, evaluation: EvaluationSummary): Promise<void> {
  const rows = await sql`update loopft_models set evaluation = ${sql.json(evaluation as never)}, updated_at = now() where name = ${name} returning name`
  if (rows.length === 0) throw new LoopftError('NOT_FOUND', `model ${name} is not in the registry`)
}

export async function setModelStatus(sql: Sql, name: string, status: ModelStatus): Promise<void> {
  await sql`
    update loopft_models set status = ${status}, updated_at = now(),
      deleted_at = case when ${status} = 'deleted' then now() else deleted_at end
    where name = ${name}`
}

/**
 * Keeps statuses in step with the serving row: exactly the models that serve
 * traffic (the promoted model and a canary) are 'promoted'; a registered model
 * that stops serving becomes 'retired' (it stays callable, so rollback can
 * bring it back; 'candidate' would wrongly queue it for evaluation again).
 * Models not in the registry (base models) are left alone. Run it inside the
 * transaction that changes the serving row.
 */
export async function syncServingStatuses(sql: Sql, serving: string[]): Promise<void> {
  await sql`
    update loopft_models set status = 'retired', updated_at = now()
    where status = 'promoted' and name <> all(${serving})`
  await sql`
    update loopft_models set status = 'promoted', updated_at = now()
    where name = any(${serving}) and status in ('candidate', 'retired')`
}

interface ModelRow {
  name: string
  base_model: string
  provider: string
  job_id: string | null
  training_file_id: string | null
  dataset_sha256: string | null
  status: ModelStatus
  evaluation: EvaluationSummary | null
  created_at: Date
}

function toModel(row: ModelRow): RegisteredModel {
  return {
    name: row.name,
    baseModel: row.base_model,
    provider: row.provider,
    jobId: row.job_id,
    trainingFileId: row.training_file_id,
    datasetSha256: row.dataset_sha256,
    status: row.status,
    evaluation: row.evaluation,
    createdAt: row.created_at,
  }
}
