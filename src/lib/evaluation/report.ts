import type {EvaluationHistoryEntry} from './store.js'
import type {EvaluationResult} from './evaluate.js'
import {formatPercent, formatSigned, formatUsd} from '../format.js'

/**
 * One self-contained HTML page for an evaluation: inline CSS and an inline SVG
 * chart, no scripts and nothing fetched, so it opens anywhere (and offline).
 * Every text that came from a model or a file is HTML-escaped.
 */
export function renderEvaluationReport(result: EvaluationResult, history: EvaluationHistoryEntry[]): string {
  const {candidate, baseline} = result.models
  const rows: Array<[string, string, string, string]> = [
    ['Judge win rate', formatPercent(candidate.judgeWinRate), formatPercent(baseline.judgeWinRate), formatSigned(result.differences.judge.difference)],
    ['Accuracy', formatPercent(candidate.accuracy), formatPercent(baseline.accuracy), formatSigned(result.differences.accuracy.difference)],
    ['BLEU', candidate.bleu.toFixed(2), baseline.bleu.toFixed(2), formatSigned(result.differences.bleu.difference)],
    ['ROUGE-L', candidate.rougeL.toFixed(3), baseline.rougeL.toFixed(3), formatSigned(result.differences.rougeL.difference)],
    ['Mean latency', `${candidate.latencyMs.mean} ms`, `${baseline.latencyMs.mean} ms`, ''],
    ['Tokens (prompt / completion)', `${candidate.tokens.prompt} / ${candidate.tokens.completion}`, `${baseline.tokens.prompt} / ${baseline.tokens.completion}`, ''],
    ['Cost (USD)', formatUsd(candidate.costUsd), formatUsd(baseline.costUsd), ''],
  ]
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>loopft evaluation #${result.evaluationId}: ${escape(result.candidate)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Evaluation #${result.evaluationId} <span class="verdict ${result.verdict}" id="verdict">${result.verdict.toUpperCase()}</span></h1>
<p>Candidate <code>${escape(result.candidate)}</code> against baseline <code>${escape(result.baseline)}</code>, judged by <code>${escape(result.judgeModel)}</code>,
on ${result.gold.items} gold items (<code>${escape(result.gold.path)}</code>, sha256 <code>${result.gold.sha256.slice(0, 12)}</code>), ${escape(result.createdAt)}.</p>
${result.warnings.map((warning) => `<p class="warning">${escape(warning)}</p>`).join('\n')}
<h2>Gate</h2>
<p>Primary metric <b>${escape(result.gate.primaryMetric)}</b>: difference ${formatSigned(result.gate.difference)}, 95% interval [${formatSigned(result.gate.interval.low)}, ${formatSigned(result.gate.interval.high)}], minimum improvement ${formatSigned(result.gate.minImprovement)}.</p>
${table(['Check', 'Result', 'Detail'], result.gate.checks.map((check) => [escape(check.name), check.passed ? '<span class="pass">pass</span>' : '<span class="fail">fail</span>', escape(check.detail)]))}
<h2>Metrics</h2>
${table(['Metric', 'Candidate', 'Baseline', 'Difference (0–1)'], rows.map((row) => row.map(escape)))}
<h2>By tag</h2>
${table(['Tag', 'Items', 'Judge win rate', 'Accuracy Δ', 'ROUGE-L Δ'], result.tags.map((tag) => [escape(tag.tag), String(tag.items), formatPercent(tag.metrics.judge.candidate), formatSigned(tag.metrics.accuracy.difference), formatSigned(tag.metrics.rougeL.difference)]))}
<h2>Worst regressions</h2>
${result.worstRegressions.length === 0 ? '<p>None: the candidate is not worse on any item.</p>' : table(['Line', 'Question', 'Candidate', 'Baseline', 'Δ'], result.worstRegressions.map((item) => [String(item.line), escape(item.question), escape(item.candidateAnswer), escape(item.baselineAnswer), formatSigned(item.difference)]))}
<h2>History</h2>
${historyChart(history)}
</body>
</html>
`
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2330}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}th,td{border-bottom:1px solid #dde1e8;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}code{background:#f3f5f8;padding:0 .2rem}.verdict{font-size:.7em;padding:.1rem .5rem;border-radius:.3rem;color:#fff}
.pass{color:#1f8a4c}.fail{color:#c0392b}.verdict.pass,.dot.pass{background:#1f8a4c;fill:#1f8a4c;color:#fff}.verdict.fail,.dot.fail{background:#c0392b;fill:#c0392b;color:#fff}
.warning{background:#fff4d6;border-left:4px solid #e0a800;padding:.4rem .6rem}svg text{font-size:11px;fill:#4a5263}`

const CHART = {width: 720, height: 260, left: 56, right: 16, top: 16, bottom: 40}

/** Primary-metric differences of earlier evaluations with their intervals, the threshold and zero. */
function historyChart(history: EvaluationHistoryEntry[]): string {
  if (history.length === 0) return '<p>No evaluations yet.</p>'
  const values = history.flatMap((entry) => [entry.ciLow, entry.ciHigh, entry.difference, entry.minImprovement, 0])
  const [low, high] = [Math.min(...values), Math.max(...values)]
  const span = high - low || 1
  const plotWidth = CHART.width - CHART.left - CHART.right
  const plotHeight = CHART.height - CHART.top - CHART.bottom
  const x = (index: number) => CHART.left + (history.length === 1 ? plotWidth / 2 : (index * plotWidth) / (history.length - 1))
  const y = (value: number) => CHART.top + ((high - value) / span) * plotHeight
  const line = (value: number, label: string, dash: string) =>
    `<line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#8a93a6" stroke-dasharray="${dash}"/><text x="4" y="${(y(value) + 4).toFixed(1)}">${label}</text>`
  const points = history.map((entry, index) => {
    const title = `#${entry.id} ${entry.candidate} vs ${entry.baseline}: ${entry.primaryMetric} ${formatSigned(entry.difference)} [${formatSigned(entry.ciLow)}, ${formatSigned(entry.ciHigh)}] ${entry.verdict}`
    return `<g class="evaluation"><title>${escape(title)}</title>` +
      `<line x1="${x(index).toFixed(1)}" x2="${x(index).toFixed(1)}" y1="${y(entry.ciLow).toFixed(1)}" y2="${y(entry.ciHigh).toFixed(1)}" stroke="#4a5263"/>` +
      `<circle class="dot ${entry.verdict}" cx="${x(index).toFixed(1)}" cy="${y(entry.difference).toFixed(1)}" r="5"/>` +
      `<text x="${x(index).toFixed(1)}" y="${CHART.height - CHART.bottom + 16}" text-anchor="middle">#${entry.id}</text></g>`
  })
  const latestThreshold = history.at(-1)?.minImprovement ?? 0
  return `<svg id="history-chart" role="img" aria-label="Primary-metric difference of each evaluation with its 95% interval" viewBox="0 0 ${CHART.width} ${CHART.height}" width="100%" xmlns="http://www.w3.org/2000/svg">
${line(0, '0', '2 2')}
${line(latestThreshold, formatSigned(latestThreshold), '6 3')}
${points.join('\n')}
<text x="${CHART.left}" y="${CHART.height - 6}">Evaluations, oldest first; dot = difference on the primary metric (green pass, red fail), bar = 95% interval, dashed = threshold</text>
</svg>`
}

function table(head: string[], rows: string[][]): string {
  const headRow = `<tr>${head.map((cell) => `<th>${escape(cell)}</th>`).join('')}</tr>`
  return `<table>\n${headRow}\n${rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n')}\n</table>`
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)
}

