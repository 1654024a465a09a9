import type {LoopftConfig} from '../config.js'
import type {Sql} from '../db/connection.js'
import {loadCatalogOverrides} from '../training/model-catalog.js'
import {renderMonthlyReport} from './html.js'
import {buildMonthlyReport, type MonthlyReport} from './monthly-report.js'
import {reportFilePath, writeReportFile} from './output.js'

export type {MonthlyReport} from './monthly-report.js'

/** `loopft report`: the month's report from the ledgers, and its HTML page written atomically when `out` is given. */
export async function reportMonth(deps: {sql: Sql; config: LoopftConfig}, options: {month?: string; out?: string; now?: Date}): Promise<MonthlyReport> {
  const {config} = deps
  const report = await buildMonthlyReport(deps.sql, {
    month: options.month, now: options.now, defaultModel: config.textModel.model, visionModel: config.visionModel.model,
    monthlyBudgetUsd: config.monthlyBudgetUsd, overrides: loadCatalogOverrides(config.pricesFile),
  })
  if (options.out === undefined) return report
  const file = reportFilePath(options.out, report.month)
  await writeReportFile(file, renderMonthlyReport(report))
  return {...report, file}
}
