import fs from 'node:fs/promises'
import path from 'node:path'
import type OpenAI from 'openai'
import {getModelInfo, inferenceCost, loadCatalogOverrides} from '../training/model-catalog.js'
import type {LoopftConfig} from '../config.js'
import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {writeFileAtomic} from '../files.js'
import type {Answer} from './answers.js'
import {compareMetrics, decideGate, differenceInterval, itemDifference, METRICS, scoreItem, type Comparisons, type GateCheck, type ItemOutcome, type MetricName} from './gate.js'
import {renderEvaluationReport} from './report.js'
import {runGoldSet} from './run.js'
import {checkGoldLeaks, insertEvaluation, listEvaluationHistory, resolveBaseline} from './store.js'
import {goldPromptKeys, readGoldSet} from './gold-set.js'
import {DEFAULT_JUDGE_CRITERIA, judgeSystemPrompt} from './judge.js'
import type {Interval} from './metrics/bootstrap.js'
import {findModel, recordEvaluation} from '../serving/registry.js'
import {splitProvider} from '../training/provider.js'

export interface EvaluateDeps {
  sql: Sql
  /** Answers for every model `clients` does not place; may be absent when `clients` places them all. */
  openai?: OpenAI
  /** Where the candidate, the baseline and the judge answer, each on its own provider if need be; deps.openai where unset. */
  clients?: EvaluationClients | ((models: {candidate: string; baseline: string; judge: string}) => Promise<EvaluationClients>)
  config: Pick<LoopftConfig, 'goldFile' | 'textModel' | 'pricesFile' | 'judgeModel' | 'judgeRubricFile' | 'judgeResponseFormat' | 'gatePrimaryMetric' | 'gateMinImprovement' | 'gateTolerance'>
  /** Called as gold items complete (answered by both models and judged); the command shows it. */
  onProgress?: (progress: {done: number; total: number}) => void
}

export type EvaluationClients = Partial<Record<'candidate' | 'baseline' | 'judge', OpenAI>>

/** Each setting left undefined comes from the config (flags, then LOOPFT_* variables, then defaults). */
export interface EvaluateOptions {
  candidate: string
  /** 'promoted' (default): the model the router serves, else config.textModel. */
  baseline?: string
  goldFile?: string
  concurrency?: number
  judgeModel?: string
  minImprovement?: number
  primaryMetric?: MetricName
  /** How far any other quality metric may fall (0–1 scale) before the gate fails. */
  tolerance?: number
  /** Write a self-contained HTML report here. */
  reportFile?: string
}

export interface ModelFigures {
  model: string
  accuracy: number
  bleu: number
  rougeL: number
  judgeWinRate: number
  /** Measured when each answer was fetched (a cached answer keeps its original latency). */
  latencyMs: {mean: number; p95: number}
  tokens: {prompt: number; completion: number}
  /** Of answering the whole gold set at list prices; null when the model is not in the price catalog. */
  costUsd: number | null
}

export interface TagBreakdown {
  tag: string
  items: number
  metrics: Comparisons
}

/** One gold item's two answers, for reading side by side. */
export interface ItemAnswers {
  line: number
  tags: string[]
  question: string
  ideal: string
  candidateAnswer: string
  baselineAnswer: string
  /** The candidate's pairwise judge score on this item (1 won both orders, 0 lost both). */
  judgeScore: number
}

export interface Regression extends ItemAnswers {
  /** The item's difference on the metric it regressed on (0–1 scale). */
  difference: number
}

export interface EvaluationResult {
  evaluationId: number
  verdict: 'pass' | 'fail'
  candidate: string
  baseline: string
  judgeModel: string
  createdAt: string
  gold: {path: string; sha256: string; items: number}
  gate: {primaryMetric: MetricName; minImprovement: number; tolerance: number; difference: number; interval: Interval; checks: GateCheck[]}
  models: {candidate: ModelFigures; baseline: ModelFigures}
  differences: Record<MetricName, {difference: number; interval: Interval}>
  judge: {winRate: number; wins: number; ties: number; losses: number; askedVerdicts: number; unparsedVerdicts: number; rubric: string}
  tags: TagBreakdown[]
  /** The items that fell furthest, on every gating metric (the primary and each no-regression check). */
  worstRegressions: Record<MetricName, Regression[]>
  /** The first gold items on which the two models answered differently, in gold-set order. */
  samples: ItemAnswers[]
  /** API calls made by this run, and answers taken from the cache instead. */
  calls: {made: number; cached: number}
  /** False when the candidate is not in the registry, so only loopft_evaluations holds the verdict. */
  recordedOnModel: boolean
  warnings: string[]
  reportFile?: string
}

/** The failure for a candidate that did not pass the gate: GATE_FAILED, carrying the whole evaluation. */
export function gateFailure(result: EvaluationResult): LoopftError | undefined {
  if (result.verdict === 'pass') return undefined
  return new LoopftError('GATE_FAILED', `${result.candidate} did not pass the gate against ${result.baseline} (evaluation #${result.evaluationId})`, {
    suggestion: 'the gate checks and the worst regressions are in the result; promote needs a pass',
    result,
  })
}

export const EVALUATION_DEFAULTS = Object.freeze({
  concurrency: 8,
  seed: 20_240_601,
  maxCompletionTokens: 512,
  judgeMaxCompletionTokens: 256,
})

/** More unreadable verdicts than this share makes the evaluation an error instead of a verdict. */
export const MAX_UNREADABLE_VERDICTS = 0.1

/**
 * Runs the candidate and the baseline on the gold set, judges them pairwise,
 * applies the gate (see gate.ts), stores the verdict and every figure in
 * loopft_evaluations and on the candidate in the registry, and returns them.
 * A failed gate is a normal result (verdict 'fail'); gateFailure turns it into the command's GATE_FAILED.
 */
export async function evaluateCandidate(deps: EvaluateDeps, options: EvaluateOptions): Promise<EvaluationResult> {
  const settings = {
    ...EVALUATION_DEFAULTS,
    judgeModel: deps.config.judgeModel,
    primaryMetric: deps.config.gatePrimaryMetric,
    minImprovement: deps.config.gateMinImprovement,
    tolerance: deps.config.gateTolerance,
    ...definedOnly(options),
  }
  const rubric = await readRubric(deps.config.judgeRubricFile)
  const gold = await readGoldSet(path.resolve(settings.goldFile ?? deps.config.goldFile))
  const baseline = await resolveBaseline(deps.sql, settings.baseline ?? 'promoted', deps.config.textModel)
  if (splitProvider(baseline).model === splitProvider(settings.candidate).model) {
    throw new LoopftError('USAGE', `the candidate and the baseline are the same model (${baseline})`, {suggestion: 'compare it with another baseline model'})
  }
  const warnings = await leakWarnings(deps.sql, settings.candidate, goldPromptKeys(gold.items))

  const clients = typeof deps.clients === 'function' ? await deps.clients({candidate: settings.candidate, baseline, judge: settings.judgeModel}) : deps.clients
  const {outcomes, calls} = await runGoldSet({...deps, clients}, {
    ...settings, items: gold.items, baseline, judgeSystemPrompt: judgeSystemPrompt(rubric.criteria), judgeResponseFormat: deps.config.judgeResponseFormat,
  })
  const judge = judgeTally(outcomes, rubric.source)
  assertVerdictsReadable(judge, settings.judgeModel)

  const scores = outcomes.map(scoreItem)
  const comparisons = compareMetrics(scores)
  const differences = Object.fromEntries(METRICS.map((metric) => [metric, {difference: comparisons[metric].difference, interval: differenceInterval(scores, metric)}])) as EvaluationResult['differences']
  const decision = decideGate(comparisons, differences[settings.primaryMetric].interval, settings)
  const overrides = loadCatalogOverrides(deps.config.pricesFile)
  const figures = (model: string, side: 'candidate' | 'baseline'): ModelFigures => modelFigures(model, outcomes.map((outcome) => outcome[side]), comparisons, side, overrides)

  const body = {
    verdict: decision.verdict,
    candidate: settings.candidate,
    baseline,
    judgeModel: settings.judgeModel,
    gold: {path: gold.path, sha256: gold.sha256, items: gold.items.length},
    gate: {primaryMetric: settings.primaryMetric, minImprovement: settings.minImprovement, tolerance: settings.tolerance, difference: decision.difference, interval: decision.interval, checks: decision.checks},
    models: {candidate: figures(settings.candidate, 'candidate'), baseline: figures(baseline, 'baseline')},
    differences,
    judge,
    tags: tagBreakdown(outcomes, scores),
    worstRegressions: Object.fromEntries(METRICS.map((metric) => [metric, worstRegressions(outcomes, scores, metric)])) as EvaluationResult['worstRegressions'],
    samples: outcomes.filter((outcome) => outcome.candidate.content !== outcome.baseline.content).slice(0, SAMPLES).map(itemAnswers),
    calls,
    warnings,
  }
  const recordedOnModel = (await findModel(deps.sql, settings.candidate)) !== undefined
  if (!recordedOnModel) warnings.push(`${settings.candidate} is not in the registry: the verdict is kept in loopft_evaluations only, and promote cannot use it`)
  const stored = await insertEvaluation(deps.sql, {
    candidate: body.candidate, baseline, judgeModel: body.judgeModel, goldPath: gold.path, goldSha256: gold.sha256, items: gold.items.length,
    primaryMetric: settings.primaryMetric, minImprovement: settings.minImprovement, verdict: decision.verdict,
    difference: decision.difference, ciLow: decision.interval.low, ciHigh: decision.interval.high, result: body,
  })
  if (recordedOnModel) {
    await recordEvaluation(deps.sql, settings.candidate, {
      verdict: decision.verdict, evaluationId: stored.id, baseline, primaryMetric: settings.primaryMetric, difference: decision.difference, at: stored.createdAt.toISOString(),
    })
  }
  const result: EvaluationResult = {evaluationId: stored.id, createdAt: stored.createdAt.toISOString(), ...body, recordedOnModel}
  if (settings.reportFile !== undefined) {
    await writeFileAtomic(settings.reportFile, renderEvaluationReport(result, await listEvaluationHistory(deps.sql)))
    result.reportFile = path.resolve(settings.reportFile)
  }
  return result
}

async function leakWarnings(sql: Sql, candidate: string, keys: ReadonlySet<string>): Promise<string[]> {
  const leaks = await checkGoldLeaks(sql, candidate, keys)
  if (leaks.leakedExamples === 0) return []
  return [`${candidate} was trained on ${leaks.leakedExamples} example(s) containing gold prompts (${leaks.datasets.join(', ')}): its scores are inflated`]
}

function modelFigures(model: string, answers: Answer[], comparisons: Comparisons, side: 'candidate' | 'baseline', overrides: ReturnType<typeof loadCatalogOverrides>): ModelFigures {
  const latencies = answers.map((answer) => answer.latencyMs).sort((a, b) => a - b)
  const tokens = {prompt: sum(answers.map((answer) => answer.promptTokens)), completion: sum(answers.map((answer) => answer.completionTokens))}
  return {
    model,
    accuracy: comparisons.accuracy[side],
    bleu: comparisons.bleu[side],
    rougeL: comparisons.rougeL[side],
    judgeWinRate: comparisons.judge[side],
    latencyMs: {mean: Math.round(sum(latencies) / Math.max(latencies.length, 1)), p95: latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.95) - 1)] ?? 0},
    tokens,
    costUsd: answerCost(model, {prompt_tokens: tokens.prompt, completion_tokens: tokens.completion}, overrides),
  }
}

/** List-price cost of answering, from the one price catalog; null for a model it does not know. */
function answerCost(model: string, usage: {prompt_tokens: number; completion_tokens: number}, overrides: ReturnType<typeof loadCatalogOverrides>): number | null {
  const name = splitProvider(model).model
  try {
    return inferenceCost(usage, getModelInfo(name, overrides), {fineTuned: name.startsWith('ft:')})
  } catch {
    return null
  }
}

/** The rubric's criteria: the file's text when one is configured, else the domain-neutral default. */
async function readRubric(file: string | undefined): Promise<{criteria: string; source: string}> {
  if (file === undefined) return {criteria: DEFAULT_JUDGE_CRITERIA, source: 'default'}
  const criteria = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new LoopftError('CONFIG_INVALID', `cannot read the judge rubric ${file}: ${error.code ?? error.message}`, {suggestion: 'set LOOPFT_JUDGE_RUBRIC to a readable text file, or unset it for the default rubric'})
  })
  if (criteria.trim() === '') throw new LoopftError('CONFIG_INVALID', `the judge rubric ${file} is empty`, {suggestion: 'write the criteria in it, or unset LOOPFT_JUDGE_RUBRIC'})
  return {criteria, source: file}
}

/**
 * A judge whose replies cannot be read would turn every pair into a tie and
 * fail the gate as if the candidate were no better: that is an error, not a verdict.
 */
function assertVerdictsReadable(judge: EvaluationResult['judge'], judgeModel: string): void {
  if (judge.askedVerdicts === 0 || judge.unparsedVerdicts / judge.askedVerdicts <= MAX_UNREADABLE_VERDICTS) return
  const share = Math.round((judge.unparsedVerdicts / judge.askedVerdicts) * 100)
  throw new LoopftError('JUDGE_UNREADABLE', `${judge.unparsedVerdicts} of ${judge.askedVerdicts} verdicts of the judge ${judgeModel} could not be read (${share}%, more than ${MAX_UNREADABLE_VERDICTS * 100}% allowed); no verdict was recorded`, {
    suggestion: 'use a judge model that follows the reply format (--judge), or check the rubric file (LOOPFT_JUDGE_RUBRIC); unreadable replies are not cached, so a re-run asks again',
    details: {askedVerdicts: judge.askedVerdicts, unparsedVerdicts: judge.unparsedVerdicts},
  })
}

function judgeTally(outcomes: ItemOutcome[], rubric: string): EvaluationResult['judge'] {
  const scores = outcomes.map((outcome) => outcome.judgement.score)
  return {
    winRate: sum(scores) / Math.max(scores.length, 1),
    wins: scores.filter((score) => score > 0.5).length,
    ties: scores.filter((score) => score === 0.5).length,
    losses: scores.filter((score) => score < 0.5).length,
    askedVerdicts: sum(outcomes.map((outcome) => outcome.judgement.asked)),
    unparsedVerdicts: outcomes.flatMap((outcome) => outcome.judgement.verdicts).filter((verdict) => verdict === null).length,
    rubric,
  }
}

function tagBreakdown(outcomes: ItemOutcome[], scores: ReturnType<typeof scoreItem>[]): TagBreakdown[] {
  const byTag = new Map<string, number[]>()
  outcomes.forEach((outcome, index) => outcome.item.tags.forEach((tag) => byTag.set(tag, [...(byTag.get(tag) ?? []), index])))
  return [...byTag.entries()]
    .map(([tag, indices]) => ({tag, items: indices.length, metrics: compareMetrics(indices.map((index) => scores[index]))}))
    .sort((a, b) => b.items - a.items || a.tag.localeCompare(b.tag))
}

const WORST_REGRESSIONS = 5
const SAMPLES = 3

function itemAnswers(outcome: ItemOutcome): ItemAnswers {
  return {
    line: outcome.item.line,
    tags: outcome.item.tags,
    question: outcome.item.messages.at(-1)?.content ?? '',
    ideal: outcome.item.ideal,
    candidateAnswer: outcome.candidate.content,
    baselineAnswer: outcome.baseline.content,
    judgeScore: outcome.judgement.score,
  }
}

function worstRegressions(outcomes: ItemOutcome[], scores: ReturnType<typeof scoreItem>[], metric: MetricName): Regression[] {
  return outcomes
    .map((outcome, index) => ({outcome, difference: itemDifference(scores[index], metric), judgeScore: outcome.judgement.score}))
    .filter((entry) => entry.difference < 0)
    .sort((a, b) => a.difference - b.difference || a.judgeScore - b.judgeScore || a.outcome.item.line - b.outcome.item.line)
    .slice(0, WORST_REGRESSIONS)
    .map(({outcome, difference}) => ({...itemAnswers(outcome), difference}))
}


function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0)
}

function definedOnly<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T
}
