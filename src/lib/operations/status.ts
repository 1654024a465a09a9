import {recentCycles, type CycleRow} from './cycle-state.js'
import type {Sql} from '../db/connection.js'
import {recentRuns, type ExportRunRecord} from '../export/ledger.js'
import {readQuarantineRate, type QuarantineRate} from '../export/quarantine-ledger.js'
import {listRunningDeployments, type DeploymentRecord} from '../serving/deploy.js'
import {listModels, type RegisteredModel} from '../serving/registry.js'
import {readServingConfig, type ServingConfig} from '../runtime/serving-row.js'
import {recentRecords, spentThisMonth, type TrainingRecord} from '../training/ledger.js'

export interface LoopStatus {
  exportRuns: ExportRunRecord[]
  /** The share of examples the last week's export runs quarantined (loopft quarantine shows them). */
  quarantine: QuarantineRate
  jobs: TrainingRecord[]
  candidates: RegisteredModel[]
  cycles: CycleRow[]
  /** Deployments that are starting or running; those billed by time carry their cost per day. */
  deployments: DeploymentRecord[]
  serving: Pick<ServingConfig, 'model' | 'provider' | 'canary' | 'vision' | 'version'>
  cost: {spentThisMonthUsd: number; monthlyBudgetUsd: number | null}
}

/** Everything `loopft status` shows: recent runs and their quarantine rate, jobs and cycles, candidates, what serves, and this month's spend. */
export async function readStatus(sql: Sql, options: {limit?: number; monthlyBudgetUsd?: number; now?: Date} = {}): Promise<LoopStatus> {
  const limit = options.limit ?? 5
  const serving = await readServingConfig(sql)
  const now = options.now ?? new Date()
  return {
    exportRuns: await recentRuns(sql, limit),
    quarantine: await readQuarantineRate(sql, now),
    jobs: await recentRecords(sql, limit),
    candidates: await listModels(sql, {statuses: ['candidate'], limit}),
    cycles: await recentCycles(sql, limit),
    deployments: await listRunningDeployments(sql),
    serving,
    cost: {spentThisMonthUsd: await spentThisMonth(sql, now), monthlyBudgetUsd: options.monthlyBudgetUsd ?? null},
  }
}
