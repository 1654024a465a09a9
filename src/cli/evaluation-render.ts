import {renderFields, renderTable} from './render.js'
import type {Terminal} from './terminal.js'
import type {EvaluationResult} from '../lib/evaluation/evaluate.js'
import {METRICS} from '../lib/evaluation/gate.js'
import {formatPercent, formatSigned, formatUsd} from '../lib/format.js'

/** The terminal view of an evaluation: summary, metrics, gate checks, per-tag figures, worst regressions. */
export function renderEvaluation(terminal: Terminal, result: EvaluationResult): string {
  const {gate, models} = result
  const sections = [
    renderFields(terminal, [
      ['verdict', result.verdict.toUpperCase()],
      ['candidate', result.candidate],
      ['baseline', result.baseline],
      ['judge', result.judgeModel],
      ['gold set', `${result.gold.path} (${result.gold.items} items, sha256 ${result.gold.sha256.slice(0, 12)}…)`],
      ['primary', `${gate.primaryMetric} ${formatSigned(gate.difference)} (needs ≥ ${formatSigned(gate.minImprovement)}), 95% CI [${formatSigned(gate.interval.low)}, ${formatSigned(gate.interval.high)}]`],
      ['calls', `${result.calls.made} made, ${result.calls.cached} from the cache`],
      ['evaluation', `#${result.evaluationId}`],
      ...(result.reportFile === undefined ? [] : [['report', result.reportFile] as [string, string]]),
    ]),
    renderTable(terminal, ['metric', 'candidate', 'baseline', 'difference', '95% CI'], [
      ...METRICS.map((metric) => [
        metric,
        figure(metric, models.candidate),
        figure(metric, models.baseline),
        formatSigned(result.differences[metric].difference),
        `[${formatSigned(result.differences[metric].interval.low)}, ${formatSigned(result.differences[metric].interval.high)}]`,
      ]),
      ['latency (mean / p95 ms)', `${models.candidate.latencyMs.mean} / ${models.candidate.latencyMs.p95}`, `${models.baseline.latencyMs.mean} / ${models.baseline.latencyMs.p95}`, '', ''],
      ['tokens (prompt / completion)', `${models.candidate.tokens.prompt} / ${models.candidate.tokens.completion}`, `${models.baseline.tokens.prompt} / ${models.baseline.tokens.completion}`, '', ''],
      ['cost (USD)', formatUsd(models.candidate.costUsd), formatUsd(models.baseline.costUsd), '', ''],
    ]),
    renderTable(terminal, ['gate check', 'result', 'detail'], gate.checks.map((check) => [check.name, check.passed ? 'pass' : 'FAIL', check.detail])),
    renderTable(terminal, ['tag', 'items', 'judge win rate', 'accuracy (cand / base)', 'ROUGE-L Δ'], result.tags.map((tag) => [
      tag.tag, tag.items, formatPercent(tag.metrics.judge.candidate), `${formatPercent(tag.metrics.accuracy.candidate)} / ${formatPercent(tag.metrics.accuracy.baseline)}`, formatSigned(tag.metrics.rougeL.difference),
    ])),
    result.worstRegressions.length === 0
      ? 'worst regressions: none'
      : renderTable(terminal, ['line', 'question', 'candidate', 'baseline', 'Δ'], result.worstRegressions.map((item) => [
        item.line, clip(item.question), clip(item.candidateAnswer), clip(item.baselineAnswer), formatSigned(item.difference),
      ])),
  ]
  return sections.join('\n\n')
}

/** A text progress bar for the spinner line. */
export function progressText(done: number, total: number): string {
  const width = 20
  const filled = total === 0 ? width : Math.round((done / total) * width)
  return `evaluating [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} items`
}

function figure(metric: (typeof METRICS)[number], model: EvaluationResult['models']['candidate']): string {
  switch (metric) {
    case 'judge': return formatPercent(model.judgeWinRate)
    case 'accuracy': return formatPercent(model.accuracy)
    case 'bleu': return model.bleu.toFixed(2)
    case 'rougeL': return model.rougeL.toFixed(3)
  }
}

function clip(text: string, length = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`
}

