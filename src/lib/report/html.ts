import bytes from 'bytes'
import {formatPercent, formatPoints, formatUsd} from '../format.js'
import {chartJsBundle, escapeHtml as escape, htmlTable as table, scriptJson} from '../html-page.js'
import {SAVING_TARGET} from './cost.js'
import type {MonthlyReport} from './monthly-report.js'
import {ACCURACY_TARGET} from './quality.js'
import {LATENCY_TARGET_MS} from './serving.js'
import type {Sourced} from './sourced.js'

/** A Chart.js configuration (plain JSON: no functions) and the canvas it draws on. */
interface ChartSpec {
  id: string
  label: string
  config: {type: string; data: {labels: string[]; datasets: Array<Record<string, unknown>>}; options?: Record<string, unknown>}
}

const COLOURS = ['#3b6fd8', '#1f8a4c', '#e0a800', '#c0392b', '#7d4cc0', '#1b9aaa', '#8a93a6', '#d35400']

/**
 * The monthly report as one self-contained page: inline CSS, Chart.js
 * inlined, every text from the database escaped, chart data as JSON. A
 * missing source shows its reason where the figures would be.
 */
export function renderMonthlyReport(report: MonthlyReport): string {
  const charts: ChartSpec[] = []
  const sections = [servingSection(report, charts), costSection(report, charts), qualitySection(report, charts), dataSection(report), changesSection(report)]
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>loopft report ${report.month}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>loopft report ${report.month}</h1>
<p class="meta">Generated ${escape(report.generatedAt)} (UTC month).</p>
${sections.join('\n')}
${charts.length === 0 ? '' : chartScripts(charts)}
</body>
</html>
`
}

function servingSection(report: MonthlyReport, charts: ChartSpec[]): string {
  const serving = report.serving.value
  if (serving === null) return `<h2>Serving</h2>\n${missingNote(report.serving)}`
  const days = [...new Set(serving.daily.map((row) => row.day))]
  const series = serving.models.map((model) => ({model: `${model.provider}:${model.model}`, counts: new Map(serving.daily.filter((row) => row.model === model.model && row.provider === model.provider).map((row) => [row.day, row.requests]))}))
  charts.push({id: 'requests-chart', label: 'Requests per day by model and provider', config: {
    type: 'bar', data: {labels: days, datasets: series.map((entry, index) => ({label: entry.model, data: days.map((day) => entry.counts.get(day) ?? 0), backgroundColor: COLOURS[index % COLOURS.length]}))},
    options: {scales: {x: {stacked: true}, y: {stacked: true, title: {display: true, text: 'requests'}}}},
  }})
  const answered = serving.models.filter((model) => model.latencyMs !== null)
  charts.push({id: 'latency-chart', label: `Latency percentiles per model, against the ${LATENCY_TARGET_MS} ms target`, config: {
    type: 'bar', data: {labels: answered.map((model) => model.model), datasets: [
      ...(['p50', 'p95', 'p99'] as const).map((percentile, index) => ({label: percentile, data: answered.map((model) => model.latencyMs?.[percentile]), backgroundColor: COLOURS[index]})),
      {type: 'line', label: 'target', data: answered.map(() => LATENCY_TARGET_MS), borderColor: '#c0392b', borderDash: [6, 3], pointRadius: 0},
    ]},
    options: {scales: {y: {title: {display: true, text: 'ms'}}}},
  }})
  const p95 = serving.latencyMs?.p95
  return `<h2>Serving</h2>
<p><b>${serving.requests.toLocaleString('en')}</b> requests; ${formatPercent(serving.fineTunedShare)} answered by fine-tuned models, ${formatPercent(serving.canaryShare)} sent to a canary; ${serving.fallbacks} fallbacks (404) and ${serving.errors} errors.
Latency p95 <span class="${serving.meetsLatencyTarget ? 'pass' : 'fail'}" id="latency-verdict">${p95 ?? '–'} ms (${serving.meetsLatencyTarget ? 'under' : 'not under'} ${LATENCY_TARGET_MS / 1000} s)</span>.</p>
${canvas(charts.at(-2) as ChartSpec)}
${table(['Model', 'Provider', 'Fine-tuned', 'Requests', 'Errors', 'Fallbacks', 'p50 / p95 / p99 ms', 'Mean ms', 'Prompt tokens', 'Completion tokens'], serving.models.map((model) => [
    `<code>${escape(model.model)}</code>`, escape(model.provider), model.isFineTuned ? 'yes' : 'no', String(model.requests), String(model.errors), String(model.fallbacks),
    model.latencyMs === null ? '–' : `${model.latencyMs.p50} / ${model.latencyMs.p95} / ${model.latencyMs.p99}`, model.latencyMs === null ? '–' : String(model.latencyMs.mean),
    String(model.promptTokens), String(model.completionTokens),
  ]))}
${canvas(charts.at(-1) as ChartSpec)}`
}

function costSection(report: MonthlyReport, charts: ChartSpec[]): string {
  const {served, training, deployments, budget} = report.cost
  const parts = ['<h2>Cost</h2>', '<h3>Served traffic at list prices</h3>']
  if (served.value === null) parts.push(missingNote(served))
  else {
    const comparisons = served.value.comparisons
    charts.push({id: 'cost-chart', label: 'The month\'s tokens: actual cost against the default and the vision model', config: {
      type: 'bar', data: {labels: ['actual', ...comparisons.map((entry) => `${entry.against}: ${entry.model}`)], datasets: [{label: 'USD', data: [served.value.usd, ...comparisons.map((entry) => entry.usd)], backgroundColor: COLOURS.slice(0, 1 + comparisons.length)}]},
      options: {scales: {y: {title: {display: true, text: 'USD'}}}},
    }})
    parts.push(`<p>Actual: <b>${formatUsd(served.value.usd)}</b>${served.value.unpriced.length === 0 ? '' : ` (no catalog price, left out: ${served.value.unpriced.map((model) => `<code>${escape(model)}</code>`).join(', ')})`}.</p>`,
      table(['Same tokens on', 'Model', 'Cost', `Saving (target ${formatPercent(SAVING_TARGET, 0)})`], comparisons.map((entry) => [
        entry.against, `<code>${escape(entry.model)}</code>`, formatUsd(entry.usd), entry.saving === null ? '–' : `<span class="${entry.meetsTarget ? 'pass' : 'fail'}">${formatPercent(entry.saving)}</span>`,
      ])), canvas(charts.at(-1) as ChartSpec))
  }
  parts.push('<h3>Training</h3>', training.value === null ? missingNote(training) : `<p>${formatUsd(training.value.usd)} in ${training.value.jobs.length} jobs.</p>\n${table(['Job', 'Status', 'Base', 'Model', 'Cost'], training.value.jobs.map((job) => [
    escape(job.jobId ?? '(not created)'), escape(job.status), `<code>${escape(job.baseModel)}</code>`, job.fineTunedModel === null ? '–' : `<code>${escape(job.fineTunedModel)}</code>`, `${formatUsd(job.usd)}${job.isActual ? '' : ' (estimate)'}`,
  ]))}`)
  parts.push('<h3>Deployments billed by time</h3>', deployments.value === null ? missingNote(deployments) : table(['Model', 'Provider', 'Kind', 'Per day', 'Days billed', 'Cost'], deployments.value.map((deployment) => [
    `<code>${escape(deployment.model)}</code>`, escape(deployment.provider), escape(deployment.kind), formatUsd(deployment.costPerDayUsd), String(deployment.billedDays), formatUsd(deployment.usd),
  ])))
  parts.push('<h3>Budget</h3>', budget.value === null ? missingNote(budget) : `<p>Training spent ${formatUsd(budget.value.spentUsd)} of ${formatUsd(budget.value.monthlyBudgetUsd)} (${formatPercent(budget.value.share)}).</p>`)
  return parts.join('\n')
}

function qualitySection(report: MonthlyReport, charts: ChartSpec[]): string {
  const {evaluations, promotedScores, accuracy} = report.quality
  const parts = ['<h2>Quality</h2>']
  parts.push(accuracy.value === null ? missingNote(accuracy)
    : `<p>Accuracy of <code>${escape(accuracy.value.model)}</code>: <span class="${accuracy.value.meetsTarget ? 'pass' : 'fail'}" id="accuracy-verdict">${formatPercent(accuracy.value.accuracy)} (${accuracy.value.meetsTarget ? 'above' : 'not above'} ${formatPercent(ACCURACY_TARGET, 0)})</span>.</p>`)
  parts.push('<h3>Evaluations this month</h3>', evaluations.value === null ? missingNote(evaluations) : table(['#', 'Candidate', 'Baseline', 'Verdict', 'Primary metric', 'Difference', 'Accuracy'], evaluations.value.map((evaluation) => [
    String(evaluation.id), `<code>${escape(evaluation.candidate)}</code>`, `<code>${escape(evaluation.baseline)}</code>`, `<span class="${evaluation.verdict}">${evaluation.verdict}</span>`,
    escape(evaluation.primaryMetric), formatPoints(evaluation.difference), evaluation.candidateAccuracy === null ? '–' : formatPercent(evaluation.candidateAccuracy),
  ])))
  parts.push('<h3>Promoted models over time</h3>')
  if (promotedScores.value === null) parts.push(missingNote(promotedScores))
  else {
    const scores = promotedScores.value
    charts.push({id: 'accuracy-chart', label: `Accuracy of each promoted model at its evaluation, against the ${formatPercent(ACCURACY_TARGET, 0)} line`, config: {
      type: 'line', data: {labels: scores.map((score) => `${score.promotedAt.slice(0, 10)} ${score.model}`), datasets: [
        {label: 'accuracy (%)', data: scores.map((score) => (score.accuracy === null ? null : Math.round(score.accuracy * 1000) / 10)), borderColor: COLOURS[0], pointRadius: 5},
        {label: 'target', data: scores.map(() => ACCURACY_TARGET * 100), borderColor: '#c0392b', borderDash: [6, 3], pointRadius: 0},
      ]},
      options: {scales: {y: {min: 0, max: 100, title: {display: true, text: 'accuracy (%)'}}}},
    }})
    parts.push(canvas(charts.at(-1) as ChartSpec))
  }
  return parts.join('\n')
}

function dataSection(report: MonthlyReport): string {
  const {exports, forgottenUsers, archived, prunedModels} = report.data
  return `<h2>Data and privacy</h2>
${exports.value === null ? missingNote(exports) : `<p>${exports.value.runs} export runs: ${exports.value.messages} messages read, ${exports.value.examples} examples written (${bytes(exports.value.bytes)}), ${exports.value.quarantined} examples quarantined.</p>
${table(['Redaction type', 'Count'], Object.entries(exports.value.redactions).map(([type, count]) => [escape(type), String(count)]))}`}
<p>${forgottenUsers} users forgotten; ${archived.files} files archived (${bytes(archived.bytes)}); ${prunedModels} models pruned.</p>`
}

function changesSection(report: MonthlyReport): string {
  if (report.changes.length === 0) return '<h2>Changes</h2>\n<p class="missing">No promotion, canary or rollback this month.</p>'
  return `<h2>Changes</h2>\n${table(['When', 'Action', 'From', 'To', 'Canary', 'Who', 'Why'], report.changes.map((change) => [
    escape(change.at.slice(0, 16).replace('T', ' ')), escape(change.action), change.fromModel === null ? '–' : `<code>${escape(change.fromModel)}</code>`, `<code>${escape(change.toModel)}</code>`,
    change.canaryPercent === null ? '' : `${change.canaryPercent}%`, escape(change.actor), escape(change.reason ?? ''),
  ]))}`
}

function missingNote(source: Sourced<unknown>): string {
  return `<p class="missing">${escape(source.missing ?? '')}</p>`
}

function canvas(chart: ChartSpec): string {
  return `<div class="chart"><canvas id="${chart.id}" role="img" aria-label="${escape(chart.label)}"></canvas></div>`
}

/** Draws every chart; each canvas is marked with its point count and y ticks, so a test can see it rendered. */
function chartScripts(charts: ChartSpec[]): string {
  return `<script>${chartJsBundle()}</script>
<script>
(() => {
  for (const spec of ${scriptJson(charts)}) {
    const canvas = document.getElementById(spec.id);
    const chart = new Chart(canvas, {...spec.config, options: {animation: false, maintainAspectRatio: false, ...spec.config.options}});
    canvas.dataset.points = String(spec.config.data.datasets[0].data.length);
    canvas.dataset.ticks = chart.scales.y.ticks.map((tick) => tick.label).join(' ');
  }
})();
</script>`
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2330}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}th,td{border-bottom:1px solid #dde1e8;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}code{background:#f3f5f8;padding:0 .2rem}.pass{color:#1f8a4c}.fail{color:#c0392b}.meta{color:#6b7385}
.missing{background:#f3f5f8;border-left:4px solid #8a93a6;padding:.4rem .6rem;color:#4a5263}.chart{position:relative;height:320px;margin:1rem 0}`
