import {renderFields, renderTable} from './render.js'
import type {Terminal} from './terminal.js'
import type {EvaluationResult} from '../lib/evaluation/evaluate.js'
import {METRICS} from '../lib/evaluation/gate.js'

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
      ['primary', `${gate.primaryMetric} ${signed(gate.difference)} (needs ≥ ${signed(gate.minImprovement)}), 95% CI [${signed(gate.interval.low)}, ${signed(gate.interval.high)}]`],
      ['calls', `${result.calls.made} made, ${result.calls.cached} from the cache`],
      ['evaluation', `#${result.evaluationId}`],
      ...(result.reportFile === undefined ? [] : [['report', result.reportFile] as [string, string]]),
    ]),
    renderTable(terminal, ['metric', 'candidate', 'baseline', 'difference', '95% CI'], [
      ...METRICS.map((metric) => [
        metric,
        figure(metric, models.candidate),
        figure(metric, models.baseline),
        signed(result.differences[metric].difference),
        `[${signed(result.differences[metric].interval.low)}, ${signed(result.differences[metric].interval.high)}]`,
      ]),
      ['latency (mean / p95 ms)', `${models.candidate.latencyMs.mean} / ${models.candidate.latencyMs.p95}`, `${models.baseline.latencyMs.mean} / ${models.baseline.latencyMs.p95}`, '', ''],
      ['tokens (prompt / completion)', `${models.candidate.tokens.prompt} / ${models.candidate.tokens.completion}`, `${models.baseline.tokens.prompt} / ${models.baseline.tokens.completion}`, '', ''],
      ['cost (USD)', usd(models.candidate.costUsd), usd(models.baseline.costUsd), '', ''],
    ]),
    renderTable(terminal, ['gate check', 'result', 'detail'], gate.checks.map((check) => [check.name, check.passed ? 'pass' : 'FAIL', check.detail])),
    renderTable(terminal, ['tag', 'items', 'judge win rate', 'accuracy (cand / base)', 'ROUGE-L Δ'], result.tags.map((tag) => [
      tag.tag, tag.items, percent(tag.metrics.judge.candidate), `${percent(tag.metrics.accuracy.candidate)} / ${percent(tag.metrics.accuracy.baseline)}`, signed(tag.metrics.rougeL.difference),
    ])),
    result.worstRegressions.length === 0
      ? 'worst regressions: none'
      : renderTable(terminal, ['line', 'question', 'candidate', 'baseline', 'Δ'], result.worstRegressions.map((item) => [
        item.line, clip(item.question), clip(item.candidateAnswer), clip(item.baselineAnswer), signed(item.difference),
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
    case 'judge': return percent(model.judgeWinRate)
    case 'accuracy': return percent(model.accuracy)
    case 'bleu': return model.bleu.toFixed(2)
    case 'rougeL': return model.rougeL.toFixed(3)
  }
}

function clip(text: string, length = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(4)}`
const usd = (value: number | null) => (value === null ? 'unknown' : `$${value.toFixed(4)}`)
