import {recentCycles, type CycleRow} from '../cycle-state.js'
import type {Sql} from '../db.js'
import {listModels, type RegisteredModel} from '../registry.js'
import {readServingConfig, type ServingConfig} from '../serving-row.js'
import {recentRecords, spentThisMonth, type TrainingRecord} from './ledger.js'

export interface ExportRunSummary {
  id: number
  status: string
  windowStart: Date
  windowEnd: Date
  finishedAt: Date | null
  examplesWritten: number
  error: string | null
}

export interface LoopStatus {
  exportRuns: ExportRunSummary[]
  jobs: TrainingRecord[]
  candidates: RegisteredModel[]
  cycles: CycleRow[]
  serving: Pick<ServingConfig, 'model' | 'canary' | 'version'>
  cost: {spentThisMonthUsd: number; monthlyBudgetUsd: number | null}
}

/** Everything `loopft status` shows: recent runs, jobs and cycles, candidates, what serves, and this month's spend. */
export async function readStatus(sql: Sql, options: {limit?: number; monthlyBudgetUsd?: number; now?: Date} = {}): Promise<LoopStatus> {
  const limit = options.limit ?? 5
  const runs = await sql<{id: string; status: string; window_start: Date; window_end: Date; finished_at: Date | null; examples_written: string; error: string | null}[]>`
    select id, status, window_start, window_end, finished_at, examples_written, error
    from loopft_export_runs order by window_end desc, id desc limit ${limit}`
  const serving = await readServingConfig(sql)
  return {
    exportRuns: runs.map((run) => ({
      id: Number(run.id), status: run.status, windowStart: run.window_start, windowEnd: run.window_end,
      finishedAt: run.finished_at, examplesWritten: Number(run.examples_written), error: run.error,
    })),
    jobs: await recentRecords(sql, limit),
    candidates: await listModels(sql, {statuses: ['candidate'], limit}),
    cycles: await recentCycles(sql, limit),
    serving: {model: serving.model, canary: serving.canary, version: serving.version},
    cost: {spentThisMonthUsd: await spentThisMonth(sql, options.now ?? new Date()), monthlyBudgetUsd: options.monthlyBudgetUsd ?? null},
  }
}
