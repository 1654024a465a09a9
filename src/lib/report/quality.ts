import type {Sql} from '../db/connection.js'
import type {ReportMonth} from './month.js'
import {found, missing, type Sourced} from './sourced.js'

/** The seed's success criterion: fine-tuned accuracy above 85%. */
export const ACCURACY_TARGET = 0.85

export interface MonthEvaluation {
  id: number
  candidate: string
  baseline: string
  verdict: 'pass' | 'fail'
  primaryMetric: string
  /** Candidate − baseline on the primary metric (0–1 scale), with its 95% interval. */
  difference: number
  interval: {low: number; high: number}
  candidateAccuracy: number | null
  createdAt: string
}

export interface PromotedScore {
  model: string
  promotedAt: string
  evaluationId: number
  accuracy: number | null
  judgeWinRate: number | null
  bleu: number | null
  rougeL: number | null
}

export interface QualityReport {
  evaluations: Sourced<MonthEvaluation[]>
  /** Each promotion up to the month's end, with the promoted model's last evaluation before it: the scores over time. */
  promotedScores: Sourced<PromotedScore[]>
  /** The accuracy of the model promoted last, against ACCURACY_TARGET. */
  accuracy: Sourced<{model: string; accuracy: number; meetsTarget: boolean}>
}

export async function readQuality(sql: Sql, month: ReportMonth): Promise<QualityReport> {
  const evaluations = await sql<{id: string; candidate: string; baseline: string; verdict: 'pass' | 'fail'; primary_metric: string; difference: number; ci_low: number; ci_high: number; accuracy: number | null; created_at: Date}[]>`
    select id, candidate, baseline, verdict, primary_metric, difference, ci_low, ci_high, (result #>> '{models,candidate,accuracy}')::float8 as accuracy, created_at
    from loopft_evaluations where created_at >= ${month.start} and created_at < ${month.end} order by id`
  const scores = await sql<{model: string; promoted_at: Date; evaluation_id: string; models: Record<string, number | undefined> | null}[]>`
    select p.to_model as model, p.created_at as promoted_at, e.id as evaluation_id, e.result #> '{models,candidate}' as models
    from loopft_promotions p
    cross join lateral (select id, result from loopft_evaluations where candidate = p.to_model and created_at <= p.created_at order by id desc limit 1) e
    where p.action = 'promote' and p.created_at < ${month.end} order by p.id`
  const promotedScores = scores.map((row) => ({
    model: row.model, promotedAt: row.promoted_at.toISOString(), evaluationId: Number(row.evaluation_id),
    accuracy: row.models?.accuracy ?? null, judgeWinRate: row.models?.judgeWinRate ?? null, bleu: row.models?.bleu ?? null, rougeL: row.models?.rougeL ?? null,
  }))
  const latest = promotedScores.at(-1)
  return {
    evaluations: evaluations.length === 0 ? missing('no evaluation this month') : found(evaluations.map((row) => ({
      id: Number(row.id), candidate: row.candidate, baseline: row.baseline, verdict: row.verdict, primaryMetric: row.primary_metric,
      difference: row.difference, interval: {low: row.ci_low, high: row.ci_high}, candidateAccuracy: row.accuracy, createdAt: row.created_at.toISOString(),
    }))),
    promotedScores: promotedScores.length === 0 ? missing('no evaluated model was promoted by the end of the month') : found(promotedScores),
    accuracy: latest?.accuracy === null || latest?.accuracy === undefined
      ? missing('no promoted model with an evaluated accuracy')
      : found({model: latest.model, accuracy: latest.accuracy, meetsTarget: latest.accuracy > ACCURACY_TARGET}),
  }
}
