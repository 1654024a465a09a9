import {renderFields, renderTable, renderTime} from './render.js'
import type {Terminal} from './terminal.js'
import {formatPercent, formatPoints, formatUsd} from '../lib/format.js'
import type {MonthlyReport} from '../lib/report/index.js'
import type {Sourced} from '../lib/report/sourced.js'

/** The terminal summary of a monthly report: the success criteria first, then serving per model, evaluations and changes. */
export function renderMonthlyReportSummary(terminal: Terminal, report: MonthlyReport, options: {wide?: boolean} = {}): string {
  const {serving, cost, quality, data} = report
  const either = <T>(source: Sourced<T>, show: (value: T) => string) => (source.value === null ? `— ${source.missing}` : show(source.value))
  const sections = [
    renderFields(terminal, [
      ['month', report.month],
      ['requests', either(serving, (value) => `${value.requests} (${formatPercent(value.fineTunedShare)} fine-tuned, ${formatPercent(value.canaryShare)} canary, ${value.fallbacks} fallbacks, ${value.errors} errors)`)],
      ['latency p50/p95/p99', either(serving, (value) => (value.latencyMs === null ? 'no answered request' : `${value.latencyMs.p50} / ${value.latencyMs.p95} / ${value.latencyMs.p99} ms${value.meetsLatencyTarget ? ' (p95 under 2 s)' : ' (p95 NOT under 2 s)'}`))],
      ['served cost', either(cost.served, (value) => [formatUsd(value.usd), ...value.comparisons.map((entry) => `${entry.saving === null ? '' : formatPercent(entry.saving)} cheaper than ${entry.model} (${formatUsd(entry.usd)})`)].join('; '))],
      ['training', either(cost.training, (value) => `${formatUsd(value.usd)} in ${value.jobs.length} jobs`)],
      ['budget', either(cost.budget, (value) => `${formatPercent(value.share)} of ${formatUsd(value.monthlyBudgetUsd)}`)],
      ['accuracy', either(quality.accuracy, (value) => `${formatPercent(value.accuracy)} ${value.model}${value.meetsTarget ? ' (above 85%)' : ' (NOT above 85%)'}`)],
      ['exports', either(data.exports, (value) => `${value.runs} runs, ${value.examples} examples, ${value.quarantined} quarantined`)],
      ['privacy', `${data.forgottenUsers} users forgotten, ${data.archived.files} files archived, ${data.prunedModels} models pruned`],
      ...(report.file === undefined ? [] : [['report', report.file] as [string, string]]),
    ]),
  ]
  if (serving.value !== null) {
    sections.push(renderTable(terminal, ['model', 'provider', 'requests', 'errors', 'p50/p95/p99 ms', 'tokens in/out'], serving.value.models.map((model) => [
      model.model, model.provider, model.requests, model.errors, model.latencyMs === null ? '' : `${model.latencyMs.p50}/${model.latencyMs.p95}/${model.latencyMs.p99}`, `${model.promptTokens}/${model.completionTokens}`,
    ]), {empty: 'no served requests', wide: options.wide}))
  }
  if (quality.evaluations.value !== null) {
    sections.push(renderTable(terminal, ['evaluation', 'candidate', 'verdict', 'primary', 'difference'], quality.evaluations.value.map((evaluation) => [
      `#${evaluation.id}`, evaluation.candidate, evaluation.verdict, evaluation.primaryMetric, formatPoints(evaluation.difference),
    ]), {empty: 'no evaluation this month', wide: options.wide}))
  }
  if (report.changes.length > 0) {
    sections.push(renderTable(terminal, ['when', 'action', 'to', 'who', 'why'], report.changes.map((change) => [renderTime(terminal, change.at), change.action, change.toModel, change.actor, change.reason]), {empty: 'no changes this month', wide: options.wide}))
  }
  return sections.join('\n\n')
}
