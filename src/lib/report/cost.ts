import type {Sql} from '../db/connection.js'
import {getModelInfo, type CatalogOverrides} from '../training/model-catalog.js'
import type {ReportMonth} from './month.js'
import type {ServingReport} from './serving.js'
import {found, missing, type Sourced} from './sourced.js'

/** The seed's success criterion: text conversations at least 30% cheaper. */
export const SAVING_TARGET = 0.3

export interface Comparison {
  against: 'default' | 'vision'
  model: string
  /** The month's tokens at this model's list price. */
  usd: number
  /** 1 − actual / this; null when this costs nothing. */
  saving: number | null
  meetsTarget: boolean | null
}

export interface ServedCost {
  /** At list prices (fine-tuned rates for fine-tuned models), priced models only. */
  usd: number
  models: Array<{model: string; provider: string; usd: number | null}>
  /** Served models the catalog has no price for: left out of every sum, never counted as free. */
  unpriced: string[]
  comparisons: Comparison[]
}

export interface CostReport {
  served: Sourced<ServedCost>
  training: Sourced<{usd: number; jobs: Array<{jobId: string | null; status: string; baseModel: string; fineTunedModel: string | null; usd: number; isActual: boolean}>}>
  deployments: Sourced<Array<{model: string; provider: string; kind: string; costPerDayUsd: number; billedDays: number; usd: number}>>
  budget: Sourced<{monthlyBudgetUsd: number; spentUsd: number; share: number}>
}

export interface CostOptions {
  defaultModel: string
  visionModel: string
  monthlyBudgetUsd?: number
  overrides?: CatalogOverrides
  now: Date
}

export async function readCost(sql: Sql, month: ReportMonth, serving: ServingReport | null, options: CostOptions): Promise<CostReport> {
  const training = await readTraining(sql, month)
  return {
    served: serving === null ? missing('no recorder data this month') : found(priceServing(serving, await registryBases(sql), options)),
    training,
    deployments: await readDeployments(sql, month, options.now),
    budget: options.monthlyBudgetUsd === undefined
      ? missing('LOOPFT_MONTHLY_BUDGET is not set')
      : found({monthlyBudgetUsd: options.monthlyBudgetUsd, spentUsd: training.value?.usd ?? 0, share: options.monthlyBudgetUsd === 0 ? 0 : (training.value?.usd ?? 0) / options.monthlyBudgetUsd}),
  }
}

function priceServing(serving: ServingReport, bases: Map<string, string>, options: CostOptions): ServedCost {
  const rateOf = (model: string, asFineTuned: boolean) => {
    try {
      const info = getModelInfo(bases.get(model) ?? model, options.overrides)
      return asFineTuned ? info.fineTuned : info.base
    } catch {
      return null
    }
  }
  const usdAt = (rate: {inputPerMillion: number; outputPerMillion: number}, prompt: number, completion: number) => (prompt * rate.inputPerMillion + completion * rate.outputPerMillion) / 1e6
  const models = serving.models.map((model) => {
    const rate = rateOf(model.model, bases.has(model.model) || model.model.startsWith('ft:'))
    return {model: model.model, provider: model.provider, usd: rate === null ? null : round(usdAt(rate, model.promptTokens, model.completionTokens)), promptTokens: model.promptTokens, completionTokens: model.completionTokens}
  })
  const priced = models.filter((model) => model.usd !== null)
  const usd = round(priced.reduce((sum, model) => sum + (model.usd ?? 0), 0))
  const comparisons = ([['default', options.defaultModel], ['vision', options.visionModel]] as const).flatMap(([against, name]) => {
    const rate = rateOf(name, false)
    if (rate === null) return []
    // The same tokens as the priced models, so the comparison is like for like.
    const cost = round(priced.reduce((sum, model) => sum + usdAt(rate, model.promptTokens, model.completionTokens), 0))
    const saving = cost === 0 ? null : 1 - usd / cost
    return [{against, model: name, usd: cost, saving, meetsTarget: saving === null ? null : saving >= SAVING_TARGET}]
  })
  return {usd, models: models.map(({model, provider, usd: modelUsd}) => ({model, provider, usd: modelUsd})), unpriced: models.filter((model) => model.usd === null).map((model) => model.model), comparisons}
}

async function registryBases(sql: Sql): Promise<Map<string, string>> {
  return new Map((await sql<{name: string; base_model: string}[]>`select name, base_model from loopft_models`).map((row) => [row.name, row.base_model]))
}

/** Jobs created this month that may bill, as tune's monthly budget counts them: the actual cost once known, else the estimate. */
async function readTraining(sql: Sql, month: ReportMonth): Promise<CostReport['training']> {
  const rows = await sql<{job_id: string | null; status: string; base_model: string; fine_tuned_model: string | null; actual_cost_usd: string | null; estimated_cost_usd: string}[]>`
    select job_id, status, base_model, fine_tuned_model, actual_cost_usd, estimated_cost_usd from loopft_training_jobs
    where created_at >= ${month.start} and created_at < ${month.end} and status not in ('uploading', 'failed') order by created_at, id`
  if (rows.length === 0) return missing('no fine-tuning job this month')
  const jobs = rows.map((row) => ({
    jobId: row.job_id, status: row.status, baseModel: row.base_model, fineTunedModel: row.fine_tuned_model,
    usd: Number(row.actual_cost_usd ?? row.estimated_cost_usd), isActual: row.actual_cost_usd !== null,
  }))
  return found({usd: round(jobs.reduce((sum, job) => sum + job.usd, 0)), jobs})
}

/** Deployments billed by time (a Together endpoint), for the part of the month each ran. */
async function readDeployments(sql: Sql, month: ReportMonth, now: Date): Promise<CostReport['deployments']> {
  const rows = await sql<{model: string; provider: string; kind: string; cost_per_day_usd: string; days: number}[]>`
    select model, provider, kind, cost_per_day_usd,
      extract(epoch from least(coalesce(stopped_at, ${now}), ${month.end}) - greatest(created_at, ${month.start}))::float8 / 86400 as days
    from loopft_deployments
    where cost_per_day_usd is not null and status <> 'failed' and created_at < ${month.end} and coalesce(stopped_at, ${now}) > ${month.start}
    order by created_at, id`
  if (rows.length === 0) return missing('no deployment billed by time this month')
  return found(rows.map((row) => ({
    model: row.model, provider: row.provider, kind: row.kind, costPerDayUsd: Number(row.cost_per_day_usd),
    billedDays: Math.round(row.days * 100) / 100, usd: round(Number(row.cost_per_day_usd) * row.days),
  })))
}

function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6
}
