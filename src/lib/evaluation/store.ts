import fs from 'node:fs/promises'
import type {Sql} from '../db/connection.js'
import {qualifiedName, type ModelTarget} from '../runtime/model-target.js'
import {containsGoldPrompt} from './gold-set.js'

/** An earlier evaluation, for the report's history chart. */
export interface EvaluationHistoryEntry {
  id: number
  candidate: string
  baseline: string
  primaryMetric: string
  verdict: 'pass' | 'fail'
  difference: number
  ciLow: number
  ciHigh: number
  minImprovement: number
  createdAt: string
}

export interface StoredEvaluation {
  candidate: string
  baseline: string
  judgeModel: string
  goldPath: string
  goldSha256: string
  items: number
  primaryMetric: string
  minImprovement: number
  verdict: 'pass' | 'fail'
  difference: number
  ciLow: number
  ciHigh: number
  result: Record<string, unknown>
}

/** 'promoted' means what the router serves (loopft_config 'serving'), else the configured text model. */
export async function resolveBaseline(sql: Sql, baseline: string, fallback: ModelTarget): Promise<string> {
  if (baseline !== 'promoted') return baseline
  const [row] = await sql<{model: string | null; provider: string | null}[]>`select value->>'model' as model, value->>'provider' as provider from loopft_config where key = 'serving'`
  // Qualified, so that a baseline served elsewhere than OpenAI is asked at its own provider.
  return qualifiedName(row?.model == null ? fallback : {model: row.model, provider: row.provider})
}

export async function insertEvaluation(sql: Sql, evaluation: StoredEvaluation): Promise<{id: number; createdAt: Date}> {
  const [row] = await sql<{id: string; created_at: Date}[]>`
    insert into loopft_evaluations (candidate, baseline, judge_model, gold_path, gold_sha256, items, primary_metric,
      min_improvement, verdict, difference, ci_low, ci_high, result)
    values (${evaluation.candidate}, ${evaluation.baseline}, ${evaluation.judgeModel}, ${evaluation.goldPath}, ${evaluation.goldSha256},
      ${evaluation.items}, ${evaluation.primaryMetric}, ${evaluation.minImprovement}, ${evaluation.verdict}, ${evaluation.difference},
      ${evaluation.ciLow}, ${evaluation.ciHigh}, ${sql.json(evaluation.result as never)})
    returning id, created_at`
  return {id: Number(row.id), createdAt: row.created_at}
}

/** The latest evaluations, oldest first. */
export async function listEvaluationHistory(sql: Sql, limit = 30): Promise<EvaluationHistoryEntry[]> {
  const rows = await sql<HistoryRow[]>`
    select * from (
      select id, candidate, baseline, primary_metric, verdict, difference, ci_low, ci_high, min_improvement, created_at
      from loopft_evaluations order by id desc limit ${limit}
    ) latest order by id`
  return rows.map((row) => ({
    id: Number(row.id),
    candidate: row.candidate,
    baseline: row.baseline,
    primaryMetric: row.primary_metric,
    verdict: row.verdict,
    difference: row.difference,
    ciLow: row.ci_low,
    ciHigh: row.ci_high,
    minImprovement: Number(row.min_improvement),
    createdAt: row.created_at.toISOString(),
  }))
}

export interface GoldLeakCheck {
  /** The candidate's recorded training files that were found and scanned. */
  datasets: string[]
  /** Training examples in them that contain a gold prompt. */
  leakedExamples: number
}

/**
 * Scans the candidate's recorded training data for gold prompts. The lineage is
 * read defensively: the training ledger (loopft_training_jobs.dataset_path) and
 * the export run whose daily file has the registered dataset sha256; tables
 * that do not exist yet and files that were removed are skipped.
 */
export async function checkGoldLeaks(sql: Sql, candidate: string, keys: ReadonlySet<string>): Promise<GoldLeakCheck> {
  const paths = new Set([...(await trainingDatasetPaths(sql, candidate)), ...(await exportedDatasetPaths(sql, candidate))])
  const datasets: string[] = []
  let leakedExamples = 0
  for (const path of paths) {
    const text = await fs.readFile(path, 'utf8').catch(() => undefined)
    if (text === undefined) continue
    datasets.push(path)
    for (const line of text.split('\n')) {
      if (line.trim() !== '' && containsGoldPrompt(parseOrEmpty(line), keys)) leakedExamples += 1
    }
  }
  return {datasets, leakedExamples}
}

async function trainingDatasetPaths(sql: Sql, candidate: string): Promise<string[]> {
  if (!(await tableExists(sql, 'loopft_training_jobs'))) return []
  const rows = await sql<{path: string | null}[]>`
    select to_jsonb(t)->>'dataset_path' as path from loopft_training_jobs t where to_jsonb(t)->>'fine_tuned_model' = ${candidate}`
  return rows.flatMap((row) => (row.path ? [row.path] : []))
}

async function exportedDatasetPaths(sql: Sql, candidate: string): Promise<string[]> {
  if (!(await tableExists(sql, 'loopft_export_runs'))) return []
  const rows = await sql<{path: string | null}[]>`
    select r.daily_file as path from loopft_models m join loopft_export_runs r on r.daily_sha256 = m.dataset_sha256
    where m.name = ${candidate}`
  return rows.flatMap((row) => (row.path ? [row.path] : []))
}

async function tableExists(sql: Sql, name: string): Promise<boolean> {
  const [row] = await sql<{exists: boolean}[]>`select to_regclass(${name}) is not null as exists`
  return row.exists
}

function parseOrEmpty(line: string): {messages?: unknown} {
  try {
    return JSON.parse(line) as {messages?: unknown}
  } catch {
    return {}
  }
}

interface HistoryRow {
  id: string
  candidate: string
  baseline: string
  primary_metric: string
  verdict: 'pass' | 'fail'
  difference: number
  ci_low: number
  ci_high: number
  min_improvement: string
  created_at: Date
}
