import type {Sql} from '../db/connection.js'
import type {CatalogOverrides} from '../training/model-catalog.js'
import {readChanges, type Change} from './changes.js'
import {readCost, type CostReport} from './cost.js'
import {readData, type DataReport} from './data.js'
import {resolveMonth} from './month.js'
import {readQuality, type QualityReport} from './quality.js'
import {readServing, type ServingReport} from './serving.js'
import type {Sourced} from './sourced.js'

/** `loopft report --json`: one month of serving, cost, quality, data and changes. */
export interface MonthlyReport {
  /** YYYY-MM, UTC. */
  month: string
  generatedAt: string
  serving: Sourced<ServingReport>
  cost: CostReport
  quality: QualityReport
  data: DataReport
  changes: Change[]
  /** The HTML page, when --out was given. */
  file?: string
}

export interface MonthlyReportOptions {
  /** YYYY-MM; default the last full month. */
  month?: string
  defaultModel: string
  visionModel: string
  monthlyBudgetUsd?: number
  overrides?: CatalogOverrides
  now?: Date
}

/** Reads every section from the ledgers and the served-requests rollup; writes nothing. */
export async function buildMonthlyReport(sql: Sql, options: MonthlyReportOptions): Promise<MonthlyReport> {
  const now = options.now ?? new Date()
  const month = resolveMonth(options.month, now)
  const serving = await readServing(sql, month)
  return {
    month: month.month,
    generatedAt: now.toISOString(),
    serving,
    cost: await readCost(sql, month, serving.value, {...options, now}),
    quality: await readQuality(sql, month),
    data: await readData(sql, month),
    changes: await readChanges(sql, month),
  }
}
