import type {EvaluationHistoryEntry} from './store.js'
import type {EvaluationResult, ItemAnswers, Regression} from './evaluate.js'
import {METRICS, type MetricName} from './gate.js'
import {formatPoints, formatUsd} from '../format.js'
import {chartJsBundle, escapeHtml as escape, htmlTable as table, scriptJson} from '../html-page.js'

/**
 * One self-contained HTML page for an evaluation: inline CSS, and the history
 * chart drawn by Chart.js, whose bundle is inlined so nothing is fetched and
 * the page opens anywhere (and offline). Every quality figure is on one scale,
 * 0–100 (percent; BLEU is already 0–100), and every difference is in
 * percentage points of that scale. Every text that came from a model or a
 * file is HTML-escaped, and the chart's data is JSON with `<` escaped.
 */
export function renderEvaluationReport(result: EvaluationResult, history: EvaluationHistoryEntry[]): string {
  const {candidate, baseline} = result.models
  const quality: Array<[MetricName, string, number, number]> = [
    ['judge', 'Judge win rate', candidate.judgeWinRate * 100, baseline.judgeWinRate * 100],
    ['accuracy', 'Accuracy', candidate.accuracy * 100, baseline.accuracy * 100],
    ['bleu', 'BLEU', candidate.bleu, baseline.bleu],
    ['rougeL', 'ROUGE-L', candidate.rougeL * 100, baseline.rougeL * 100],
  ]
  const failedMetrics = new Set(METRICS.filter((metric) => result.gate.checks.some((check) => !check.passed && check.name.startsWith(`${metric} `))))
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>loopft evaluation #${result.evaluationId}: ${escape(result.candidate)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Evaluation #${result.evaluationId} <span class="verdict ${result.verdict}" id="verdict">${result.verdict === 'pass' ? '✔ PASS' : '✖ FAIL'}</span></h1>
<p>Candidate <code>${escape(result.candidate)}</code> against baseline <code>${escape(result.baseline)}</code>, judged by <code>${escape(result.judgeModel)}</code>
(rubric: ${escape(result.judge.rubric)}), on ${result.gold.items} gold items (<code>${escape(result.gold.path)}</code>, sha256 <code>${result.gold.sha256.slice(0, 12)}</code>), ${escape(result.createdAt)}.</p>
${result.warnings.map((warning) => `<p class="warning">${escape(warning)}</p>`).join('\n')}
<h2>Gate</h2>
<p>Primary metric <b>${escape(result.gate.primaryMetric)}</b>: difference ${formatPoints(result.gate.difference)}, 95% interval [${formatPoints(result.gate.interval.low)}, ${formatPoints(result.gate.interval.high)}], minimum improvement ${formatPoints(result.gate.minImprovement)}, other metrics may fall by at most ${formatPoints(result.gate.tolerance).replace('+', '')}.</p>
${table(['Check', 'Result', 'Detail'], result.gate.checks.map((check) => [escape(check.name), check.passed ? '<span class="pass">✔ pass</span>' : '<span class="fail">✖ fail</span>', escape(check.detail)]))}
<h2>Metrics <small>(0–100; differences in points)</small></h2>
${table(['Metric', 'Candidate', 'Baseline', 'Difference', '95% interval'], quality.map(([metric, label, candidateValue, baselineValue]) => [
    escape(label), candidateValue.toFixed(1), baselineValue.toFixed(1), `<span class="${failedMetrics.has(metric) ? 'fail' : ''}">${formatPoints(result.differences[metric].difference)}</span>`,
    `[${formatPoints(result.differences[metric].interval.low)}, ${formatPoints(result.differences[metric].interval.high)}]`,
  ]))}
<p>Judge: ${result.judge.wins} wins, ${result.judge.ties} ties, ${result.judge.losses} losses; ${result.judge.unparsedVerdicts} of ${result.judge.askedVerdicts} verdicts unreadable.</p>
${table(['Cost and speed', 'Candidate', 'Baseline'], [
    ['Mean / p95 latency', `${candidate.latencyMs.mean} / ${candidate.latencyMs.p95} ms`, `${baseline.latencyMs.mean} / ${baseline.latencyMs.p95} ms`],
    ['Tokens (prompt / completion)', `${candidate.tokens.prompt} / ${candidate.tokens.completion}`, `${baseline.tokens.prompt} / ${baseline.tokens.completion}`],
    ['Cost (USD)', formatUsd(candidate.costUsd), formatUsd(baseline.costUsd)],
  ])}
<h2>By tag <small>(differences in points)</small></h2>
${table(['Tag', 'Items', 'Judge win rate', 'Accuracy Δ', 'BLEU Δ', 'ROUGE-L Δ'], result.tags.map((tag) => [
    escape(tag.tag), String(tag.items), (tag.metrics.judge.candidate * 100).toFixed(1), formatPoints(tag.metrics.accuracy.difference), formatPoints(tag.metrics.bleu.difference), formatPoints(tag.metrics.rougeL.difference),
  ]))}
<h2>Worst regressions</h2>
${METRICS.map((metric) => regressionsSection(metric, result.worstRegressions[metric], failedMetrics.has(metric))).join('\n')}
<h2>Sample answers</h2>
${result.samples.length === 0 ? '<p>The two models answered every item identically.</p>' : result.samples.map((sample) => sideBySide(sample)).join('\n')}
<h2>History <small>(difference on each evaluation's primary metric, points)</small></h2>
${historyChart(history)}
</body>
</html>
`
}

const METRIC_LABELS: Record<MetricName, string> = {judge: 'Judge', accuracy: 'Accuracy', bleu: 'BLEU', rougeL: 'ROUGE-L'}

function regressionsSection(metric: MetricName, regressions: Regression[], failed: boolean): string {
  const heading = `<h3 id="regressions-${metric}">${METRIC_LABELS[metric]}${failed ? ' <span class="fail">✖ gate check failed</span>' : ''}</h3>`
  if (regressions.length === 0) {
    return `${heading}\n<p>No item is worse on ${METRIC_LABELS[metric]}${failed ? ', but the metric as a whole failed its gate check' : ''}.</p>`
  }
  return `${heading}\n${regressions.map((item) => sideBySide(item, `${METRIC_LABELS[metric]} ${formatPoints(item.difference)}`)).join('\n')}`
}

function sideBySide(item: ItemAnswers, label?: string): string {
  return `<section class="item">
<p class="question"><b>Line ${item.line}</b>${label === undefined ? '' : ` · ${escape(label)}`} · judge score ${item.judgeScore.toFixed(2)}${item.tags.length === 0 ? '' : ` · ${escape(item.tags.join(', '))}`}<br>${escape(item.question)}</p>
<p class="reference"><b>Reference:</b> ${escape(item.ideal)}</p>
<div class="answers"><div><h4>Candidate</h4><p>${escape(item.candidateAnswer)}</p></div><div><h4>Baseline</h4><p>${escape(item.baselineAnswer)}</p></div></div>
</section>`
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2330}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}th,td{border-bottom:1px solid #dde1e8;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}code{background:#f3f5f8;padding:0 .2rem}.verdict{font-size:.7em;padding:.1rem .5rem;border-radius:.3rem;color:#fff}
.pass{color:#1f8a4c}.fail{color:#c0392b}.verdict.pass{background:#1f8a4c;color:#fff}.verdict.fail{background:#c0392b;color:#fff}small{color:#6b7385;font-weight:normal}
.warning{background:#fff4d6;border-left:4px solid #e0a800;padding:.4rem .6rem}
.item{border:1px solid #dde1e8;border-radius:.4rem;padding:.5rem .8rem;margin:.6rem 0}.item p{margin:.3rem 0}.reference{color:#4a5263}
.answers{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.answers h4{margin:.3rem 0;font-size:.85em;color:#4a5263}.answers p{white-space:pre-wrap}
.chart{position:relative;height:320px}`

/**
 * Primary-metric differences of earlier evaluations as dots (green pass, red
 * fail) with their 95% intervals as floating bars, zero and each one's
 * threshold, on a labelled axis in percentage points. The script marks the
 * canvas with the axis ticks it drew, so a test can see the chart rendered.
 */
function historyChart(history: EvaluationHistoryEntry[]): string {
  if (history.length === 0) return '<p>No evaluations yet.</p>'
  const data = {
    labels: history.map((entry) => `#${entry.id}`),
    titles: history.map((entry) => `#${entry.id} ${entry.candidate} vs ${entry.baseline}: ${entry.primaryMetric} ${formatPoints(entry.difference)} [${formatPoints(entry.ciLow)}, ${formatPoints(entry.ciHigh)}] ${entry.verdict}`),
    differences: history.map((entry) => round(entry.difference * 100)),
    intervals: history.map((entry) => [round(entry.ciLow * 100), round(entry.ciHigh * 100)]),
    thresholds: history.map((entry) => round(entry.minImprovement * 100)),
    verdicts: history.map((entry) => entry.verdict),
  }
  return `<div class="chart"><canvas id="history-chart" role="img" aria-label="Primary-metric difference of each evaluation with its 95% interval, in percentage points"></canvas></div>
<script>${chartJsBundle()}</script>
<script>
(() => {
  const data = ${scriptJson(data)};
  const canvas = document.getElementById('history-chart');
  const chart = new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        {type: 'bar', label: '95% interval', data: data.intervals, backgroundColor: 'rgba(74,82,99,0.25)', barPercentage: 0.15},
        {type: 'line', label: 'difference (green pass, red fail)', data: data.differences, showLine: false, pointRadius: 6,
         pointBackgroundColor: data.verdicts.map((verdict) => verdict === 'pass' ? '#1f8a4c' : '#c0392b')},
        {type: 'line', label: 'threshold', data: data.thresholds, borderColor: '#8a93a6', borderDash: [6, 3], pointRadius: 0, stepped: 'middle'},
      ],
    },
    options: {
      animation: false, maintainAspectRatio: false,
      scales: {
        x: {title: {display: true, text: 'evaluation, oldest first'}},
        y: {title: {display: true, text: 'difference (percentage points)'}, grid: {color: (context) => context.tick.value === 0 ? '#1d2330' : '#e3e6ec'}},
      },
      plugins: {tooltip: {callbacks: {title: (items) => data.titles[items[0].dataIndex]}}},
    },
  });
  canvas.dataset.points = String(data.differences.length);
  canvas.dataset.ticks = chart.scales.y.ticks.map((tick) => tick.label).join(' ');
})();
</script>`
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
