import {renderFields, renderTable} from './render.js'
import type {Terminal} from './terminal.js'
import type {EvaluationResult} from '../lib/evaluation/evaluate.js'
import {METRICS} from '../lib/evaluation/gate.js'
import {formatPercent, formatPoints, formatUsd} from '../lib/format.js'

/** The terminal view of an evaluation: summary, metrics, gate checks, per-tag figures, worst regressions. */
export function renderEvaluation(terminal: Terminal, result: EvaluationResult, options: {wide: boolean}): string {
  const {gate, models} = result
  const {wide} = options
  const sections = [
    renderFields(terminal, [
      ['verdict', result.verdict === 'pass' ? '✔ PASS' : '✖ FAIL'],
      ['candidate', result.candidate],
      ['baseline', result.baseline],
      ['judge', result.judgeModel],
      ['gold set', `${result.gold.path} (${result.gold.items} items, sha256 ${result.gold.sha256.slice(0, 12)}…)`],
      ['primary', `${gate.primaryMetric} ${formatPoints(gate.difference)} (needs ≥ ${formatPoints(gate.minImprovement)}), 95% CI [${formatPoints(gate.interval.low)}, ${formatPoints(gate.interval.high)}]`],
      ['judge verdicts', `${result.judge.wins} wins, ${result.judge.ties} ties, ${result.judge.losses} losses; ${result.judge.unparsedVerdicts} of ${result.judge.askedVerdicts} unreadable (rubric: ${result.judge.rubric})`],
      ['calls', `${result.calls.made} made, ${result.calls.cached} from the cache`],
      ['evaluation', `#${result.evaluationId}`],
      ...(result.reportFile === undefined ? [] : [['report', result.reportFile] as [string, string]]),
    ]),
    renderTable(terminal, ['metric (0–100)', 'candidate', 'baseline', 'difference', '95% CI'], [
      ...METRICS.map((metric) => [
        metric,
        figure(metric, models.candidate),
        figure(metric, models.baseline),
        formatPoints(result.differences[metric].difference),
        `[${formatPoints(result.differences[metric].interval.low)}, ${formatPoints(result.differences[metric].interval.high)}]`,
      ]),
      ['latency (mean / p95 ms)', `${models.candidate.latencyMs.mean} / ${models.candidate.latencyMs.p95}`, `${models.baseline.latencyMs.mean} / ${models.baseline.latencyMs.p95}`, '', ''],
      ['tokens (prompt / completion)', `${models.candidate.tokens.prompt} / ${models.candidate.tokens.completion}`, `${models.baseline.tokens.prompt} / ${models.baseline.tokens.completion}`, '', ''],
      ['cost (USD)', formatUsd(models.candidate.costUsd), formatUsd(models.baseline.costUsd), '', ''],
    ], {empty: '', wide}),
    renderTable(terminal, ['gate check', 'result', 'detail'], gate.checks.map((check) => [check.name, check.passed ? 'pass' : 'FAIL', check.detail]), {empty: 'no gate checks', wide}),
    renderTable(terminal, ['tag', 'items', 'judge win rate', 'accuracy (cand / base)', 'ROUGE-L Δ'], result.tags.map((tag) => [
      tag.tag, tag.items, formatPercent(tag.metrics.judge.candidate), `${formatPercent(tag.metrics.accuracy.candidate)} / ${formatPercent(tag.metrics.accuracy.baseline)}`, formatPoints(tag.metrics.rougeL.difference),
    ]), {empty: 'no tags in the gold set', wide}),
    regressions(terminal, result, wide),
  ]
  return sections.join('\n\n')
}

/** The worst items on each metric that has any; the gating metrics are all four. */
function regressions(terminal: Terminal, result: EvaluationResult, wide: boolean): string {
  const rows = METRICS.flatMap((metric) => result.worstRegressions[metric].map((item) => [
    metric, item.line, clip(item.question), clip(item.candidateAnswer), clip(item.baselineAnswer), formatPoints(item.difference),
  ]))
  return renderTable(terminal, ['metric', 'line', 'question', 'candidate', 'baseline', 'Δ'], rows, {empty: 'worst regressions: none on any metric', wide})
}

/** A text progress bar for the spinner line. */
export function progressText(done: number, total: number): string {
  const width = 20
  const filled = total === 0 ? width : Math.round((done / total) * width)
  return `evaluating [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} items`
}

function figure(metric: (typeof METRICS)[number], model: EvaluationResult['models']['candidate']): string {
  switch (metric) {
    case 'judge': return (model.judgeWinRate * 100).toFixed(1)
    case 'accuracy': return (model.accuracy * 100).toFixed(1)
    case 'bleu': return model.bleu.toFixed(1)
    case 'rougeL': return (model.rougeL * 100).toFixed(1)
  }
}

function clip(text: string, length = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`
}

