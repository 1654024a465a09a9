import {recentCycles, type CycleRow} from './cycle-state.js'
import type {Sql} from '../db/connection.js'
import {recentRuns, type ExportRunRecord} from '../export/ledger.js'
import {listModels, type RegisteredModel} from '../serving/registry.js'
import {readServingConfig, type ServingConfig} from '../runtime/serving-row.js'
import {recentRecords, spentThisMonth, type TrainingRecord} from '../training/ledger.js'

export interface LoopStatus {
  exportRuns: ExportRunRecord[]
  jobs: TrainingRecord[]
  candidates: RegisteredModel[]
  cycles: CycleRow[]
  serving: Pick<ServingConfig, 'model' | 'canary' | 'version'>
  cost: {spentThisMonthUsd: number; monthlyBudgetUsd: number | null}
}

/** Everything `loopft status` shows: recent runs, jobs and cycles, candidates, what serves, and this month's spend. */
export async function readStatus(sql: Sql, options: {limit?: number; monthlyBudgetUsd?: number; now?: Date} = {}): Promise<LoopStatus> {
  const limit = options.limit ?? 5
  const serving = await readServingConfig(sql)
  return {
    exportRuns: await recentRuns(sql, limit),
    jobs: await recentRecords(sql, limit),
    candidates: await listModels(sql, {statuses: ['candidate'], limit}),
    cycles: await recentCycles(sql, limit),
    serving: {model: serving.model, canary: serving.canary, version: serving.version},
    cost: {spentThisMonthUsd: await spentThisMonth(sql, options.now ?? new Date()), monthlyBudgetUsd: options.monthlyBudgetUsd ?? null},
  }
}
