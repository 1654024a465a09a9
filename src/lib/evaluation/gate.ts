import type {Answer} from './answers.js'
import type {GoldItem} from './gold-set.js'
import type {PairJudgement} from './judge.js'
import {isNormalisedMatch} from './metrics/accuracy.js'
import {bleuFromStatistics, bleuStatistics, sumBleuStatistics, type BleuStatistics} from './metrics/bleu.js'
import {meanOver, pairedBootstrap, type BootstrapOptions, type Interval} from './metrics/bootstrap.js'
import {rougeL} from './metrics/rouge.js'
import {formatPoints} from '../format.js'

/**
 * Metrics and the promotion gate. Every difference is candidate minus baseline
 * on a 0–1 scale: accuracy and ROUGE-L are already fractions, BLEU (0–100) is
 * divided by 100, and for the judge the difference is the candidate's pairwise
 * win rate minus 0.5 (ties count half), so 0.02 means winning 52% of the gold
 * set against the baseline.
 *
 * The candidate passes when (1) the primary metric's difference is at least
 * minImprovement, (2) the lower end of its paired bootstrap 95% interval is
 * above zero, and (3) no other quality metric's difference is below −tolerance.
 */

export const METRICS = ['judge', 'accuracy', 'bleu', 'rougeL'] as const
export type MetricName = (typeof METRICS)[number]

export interface ItemOutcome {
  item: GoldItem
  candidate: Answer
  baseline: Answer
  judgement: PairJudgement
}

export interface MetricComparison {
  /** The candidate's figure as reported: judge win rate 0–1, accuracy 0–1, BLEU 0–100, ROUGE-L 0–1. */
  candidate: number
  /** The baseline's figure on the same scale (for the judge: 1 − the candidate's win rate). */
  baseline: number
  /** Candidate minus baseline on a 0–1 scale (judge: win rate − 0.5). */
  difference: number
}

export type Comparisons = Record<MetricName, MetricComparison>

export interface GateOptions {
  primaryMetric: MetricName
  minImprovement: number
  tolerance: number
}

export interface GateCheck {
  name: string
  passed: boolean
  detail: string
}

export interface GateDecision {
  verdict: 'pass' | 'fail'
  difference: number
  interval: Interval
  checks: GateCheck[]
}

/** Differences this close to a threshold count as meeting it (floating-point noise). */
const EPSILON = 1e-9

interface ItemScores {
  accuracy: [number, number]
  rougeL: [number, number]
  bleu: [BleuStatistics, BleuStatistics]
  judge: number
}

export function scoreItem(outcome: ItemOutcome): ItemScores {
  const {item, candidate, baseline} = outcome
  const accuracyOf = (answer: Answer) => (isNormalisedMatch(answer.content, item.ideal) ? 1 : 0)
  return {
    accuracy: [accuracyOf(candidate), accuracyOf(baseline)],
    rougeL: [rougeL(candidate.content, item.ideal).fmeasure, rougeL(baseline.content, item.ideal).fmeasure],
    bleu: [bleuStatistics(candidate.content, [item.ideal]), bleuStatistics(baseline.content, [item.ideal])],
    judge: outcome.judgement.score,
  }
}

/** Point figures for a set of items (the whole gold set or one tag). */
export function compareMetrics(scores: readonly ItemScores[]): Comparisons {
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length)
  const pair = (metric: 'accuracy' | 'rougeL'): MetricComparison => {
    const candidate = mean(scores.map((score) => score[metric][0]))
    const baseline = mean(scores.map((score) => score[metric][1]))
    return {candidate, baseline, difference: candidate - baseline}
  }
  const bleuOf = (side: 0 | 1) => bleuFromStatistics(sumBleuStatistics(scores.map((score) => score.bleu[side]))).score
  const [bleuCandidate, bleuBaseline] = [bleuOf(0), bleuOf(1)]
  const winRate = mean(scores.map((score) => score.judge))
  return {
    judge: {candidate: winRate, baseline: 1 - winRate, difference: winRate - 0.5},
    accuracy: pair('accuracy'),
    bleu: {candidate: bleuCandidate, baseline: bleuBaseline, difference: (bleuCandidate - bleuBaseline) / 100},
    rougeL: pair('rougeL'),
  }
}

/** The paired bootstrap 95% interval of one metric's difference. */
export function differenceInterval(scores: readonly ItemScores[], metric: MetricName, options: BootstrapOptions = {}): Interval {
  if (metric === 'bleu') {
    const bleuOver = (indices: number[], side: 0 | 1) => bleuFromStatistics(sumBleuStatistics(indices.map((index) => scores[index].bleu[side]))).score
    return pairedBootstrap(scores.length, (indices) => (bleuOver(indices, 0) - bleuOver(indices, 1)) / 100, options)
  }
  return pairedBootstrap(scores.length, meanOver(scores.map((score) => itemDifference(score, metric))), options)
}

/** One item's difference on a metric; for BLEU the sentence-level score (no effective order). */
export function itemDifference(score: ItemScores, metric: MetricName): number {
  if (metric === 'judge') return score.judge - 0.5
  if (metric === 'bleu') return (bleuFromStatistics(score.bleu[0]).score - bleuFromStatistics(score.bleu[1]).score) / 100
  return score[metric][0] - score[metric][1]
}

export function decideGate(comparisons: Comparisons, interval: Interval, options: GateOptions): GateDecision {
  const {primaryMetric, minImprovement, tolerance} = options
  const difference = comparisons[primaryMetric].difference
  const checks: GateCheck[] = [
    {
      name: `${primaryMetric} improvement`,
      passed: difference >= minImprovement - EPSILON,
      detail: `${formatPoints(difference)} (needs ≥ ${formatPoints(minImprovement)})`,
    },
    {
      name: `${primaryMetric} 95% interval`,
      passed: interval.low > EPSILON,
      detail: `[${formatPoints(interval.low)}, ${formatPoints(interval.high)}] (must lie above 0)`,
    },
    ...METRICS.filter((metric) => metric !== primaryMetric).map((metric) => ({
      name: `${metric} no regression`,
      passed: comparisons[metric].difference >= -tolerance - EPSILON,
      detail: `${formatPoints(comparisons[metric].difference)} (allowed ≥ ${formatPoints(-tolerance)})`,
    })),
  ]
  return {verdict: checks.every((check) => check.passed) ? 'pass' : 'fail', difference, interval, checks}
}

