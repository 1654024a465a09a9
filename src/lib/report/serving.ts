import type {Sql} from '../db/connection.js'
import {addToHistogram, percentilesOf, type Histogram, type LatencyPercentiles} from './latency.js'
import type {ReportMonth} from './month.js'
import {found, missing, type Sourced} from './sourced.js'

/** The seed's success criterion: responses under 2 seconds (read on p95). */
export const LATENCY_TARGET_MS = 2_000

export interface ServedModel {
  model: string
  provider: string
  /** A model loopft trained (in the registry, or an OpenAI `ft:` name). */
  isFineTuned: boolean
  requests: number
  errors: number
  /** Requests this default model answered after the promoted or canary model was gone (404). */
  fallbacks: number
  promptTokens: number
  completionTokens: number
  /** Of the answered requests (errors left out); null when none was answered. */
  latencyMs: (LatencyPercentiles & {mean: number}) | null
}

export interface ServingReport {
  requests: number
  errors: number
  fallbacks: number
  /** Requests answered by a fine-tuned model, of all requests (0–1). */
  fineTunedShare: number
  /** Requests the router sent to the canary, of all requests (0–1). */
  canaryShare: number
  latencyMs: LatencyPercentiles | null
  /** p95 under LATENCY_TARGET_MS; null when nothing was answered. */
  meetsLatencyTarget: boolean | null
  daily: Array<{day: string; model: string; provider: string; requests: number}>
  models: ServedModel[]
}

interface RollupRow {
  day: string
  model: string
  provider: string
  rule: string
  outcome: 'ok' | 'fallback' | 'error'
  latency_bucket: number
  requests: string
  prompt_tokens: string
  completion_tokens: string
  latency_ms_sum: string
}

/** The month's served requests, from the daily rollup the recorder's inserts keep (never the raw rows). */
export async function readServing(sql: Sql, month: ReportMonth): Promise<Sourced<ServingReport>> {
  const rows = await sql<RollupRow[]>`
    select to_char(day, 'YYYY-MM-DD') as day, model, provider, rule, outcome, latency_bucket, requests, prompt_tokens, completion_tokens, latency_ms_sum
    from loopft_served_daily where day >= ${isoDay(month.start)}::date and day < ${isoDay(month.end)}::date`
  if (rows.length === 0) return missing('no recorder data this month (pass the recorder to createRouter to record served requests)')
  const fineTuned = new Set((await sql<{name: string}[]>`select name from loopft_models`).map((row) => row.name))
  const isFineTuned = (model: string) => fineTuned.has(model) || model.startsWith('ft:')
  return found(summarise(rows, isFineTuned))
}

/** Dates, not timestamps: a timestamp would be compared with `day` in the session's time zone. */
function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

function summarise(rows: RollupRow[], isFineTuned: (model: string) => boolean): ServingReport {
  const models = new Map<string, ServedModel & {histogram: Histogram; latencySum: number; answered: number}>()
  const daily = new Map<string, {day: string; model: string; provider: string; requests: number}>()
  const overall: Histogram = new Map()
  let canary = 0
  let fineTunedAnswers = 0
  for (const row of rows) {
    const requests = Number(row.requests)
    const key = `${row.provider}\u0000${row.model}`
    const model = models.get(key) ?? {model: row.model, provider: row.provider, isFineTuned: isFineTuned(row.model), requests: 0, errors: 0, fallbacks: 0, promptTokens: 0, completionTokens: 0, latencyMs: null, histogram: new Map(), latencySum: 0, answered: 0}
    models.set(key, model)
    model.requests += requests
    model.promptTokens += Number(row.prompt_tokens)
    model.completionTokens += Number(row.completion_tokens)
    if (row.rule === 'canary') canary += requests
    if (row.outcome === 'error') model.errors += requests
    else {
      if (row.outcome === 'fallback') model.fallbacks += requests
      if (model.isFineTuned) fineTunedAnswers += requests
      model.answered += requests
      model.latencySum += Number(row.latency_ms_sum)
      addToHistogram(model.histogram, row.latency_bucket, requests)
      addToHistogram(overall, row.latency_bucket, requests)
    }
    const day = daily.get(`${row.day}\u0000${key}`) ?? {day: row.day, model: row.model, provider: row.provider, requests: 0}
    daily.set(`${row.day}\u0000${key}`, day)
    day.requests += requests
  }
  const served = [...models.values()].map(({histogram, latencySum, answered, ...model}) => {
    const percentiles = percentilesOf(histogram)
    return {...model, latencyMs: percentiles === null ? null : {...percentiles, mean: Math.round(latencySum / answered)}}
  }).sort((left, right) => right.requests - left.requests || left.model.localeCompare(right.model))
  const total = served.reduce((sum, model) => sum + model.requests, 0)
  const latencyMs = percentilesOf(overall)
  return {
    requests: total,
    errors: served.reduce((sum, model) => sum + model.errors, 0),
    fallbacks: served.reduce((sum, model) => sum + model.fallbacks, 0),
    fineTunedShare: fineTunedAnswers / total,
    canaryShare: canary / total,
    latencyMs,
    meetsLatencyTarget: latencyMs === null ? null : latencyMs.p95 < LATENCY_TARGET_MS,
    daily: [...daily.values()].sort((left, right) => left.day.localeCompare(right.day) || left.model.localeCompare(right.model) || left.provider.localeCompare(right.provider)),
    models: served,
  }
}
