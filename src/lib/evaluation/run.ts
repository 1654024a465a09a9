import type OpenAI from 'openai'
import {LoopftError} from '../errors.js'
import pLimit from 'p-limit'
import type {Sql} from '../db/connection.js'
import {cachedAnswerer, type Answer} from './answers.js'
import type {ItemOutcome} from './gate.js'
import type {GoldItem} from './gold-set.js'
import {JUDGE_RESPONSE_FORMAT, judgePair, parseVerdict} from './judge.js'

export interface GoldRunOptions {
  items: readonly GoldItem[]
  candidate: string
  baseline: string
  judgeModel: string
  concurrency: number
  seed: number
  maxCompletionTokens: number
  judgeMaxCompletionTokens: number
  /** The judge's system prompt: rubric criteria and reply format. */
  judgeSystemPrompt: string
  /** 'json_schema' asks the provider to enforce the verdict object; 'text' relies on the prompt alone. */
  judgeResponseFormat: 'json_schema' | 'text'
}

export interface GoldRun {
  outcomes: ItemOutcome[]
  /** API calls made, and answers taken from the cache instead. */
  calls: {made: number; cached: number}
}

/**
 * Both models answer every item and the judge compares each pair, with at most
 * `concurrency` calls in flight. On the first failure nothing new starts, the
 * calls in flight finish (and are cached), then the failure is thrown: a re-run
 * resumes from the cache, and no call outlives this function.
 */
export async function runGoldSet(deps: {sql: Sql; openai?: OpenAI; clients?: Partial<Record<'candidate' | 'baseline' | 'judge', OpenAI>>; onProgress?: (progress: {done: number; total: number}) => void}, options: GoldRunOptions): Promise<GoldRun> {
  const limit = pLimit({concurrency: options.concurrency, rejectOnClear: true})
  const calls = {made: 0, cached: 0}
  const tasks: Promise<unknown>[] = []
  let failure: unknown
  const track = async (call: () => Promise<Answer>): Promise<Answer> => {
    const task = limit(async () => {
      if (failure !== undefined) throw failure
      // Cleared inside the task, so the limiter has not started the next one yet.
      return call().catch((error: unknown) => {
        failure ??= error
        limit.clearQueue()
        throw error
      })
    })
    tasks.push(task)
    const result = await task
    calls[result.cached ? 'cached' : 'made'] += 1
    return result
  }
  const on = (role: 'candidate' | 'baseline' | 'judge') => {
    const openai = deps.clients?.[role] ?? deps.openai
    if (openai === undefined) throw new LoopftError('CONFIG_INVALID', `no chat client for the ${role}`, {suggestion: 'set the key of its provider (OPENAI_API_KEY, NEBIUS_API_KEY, …)'})
    return {sql: deps.sql, openai}
  }
  const answerParams = {temperature: 0 as const, seed: options.seed, maxCompletionTokens: options.maxCompletionTokens}
  const answerCandidate = cachedAnswerer(on('candidate'), answerParams)
  const answerBaseline = cachedAnswerer(on('baseline'), answerParams)
  const judgeAnswer = cachedAnswerer(on('judge'), {
    temperature: 0, seed: options.seed, maxCompletionTokens: options.judgeMaxCompletionTokens,
    ...(options.judgeResponseFormat === 'json_schema' ? {responseFormat: JUDGE_RESPONSE_FORMAT} : {}),
  }, {cacheIf: (reply) => parseVerdict(reply) !== null})
  const ask = async (messages: GoldItem['messages']) => (await track(() => judgeAnswer(options.judgeModel, messages))).content

  let done = 0
  const total = options.items.length
  deps.onProgress?.({done, total})
  const settled = await Promise.allSettled(options.items.map(async (item): Promise<ItemOutcome> => {
    const [candidate, baseline] = await Promise.all([track(() => answerCandidate(options.candidate, item.messages)), track(() => answerBaseline(options.baseline, item.messages))])
    const judgement = await judgePair(ask, item, candidate.content, baseline.content, options.judgeSystemPrompt)
    deps.onProgress?.({done: ++done, total})
    return {item, candidate, baseline, judgement}
  }))
  await Promise.allSettled(tasks)
  if (failure !== undefined) throw failure
  return {outcomes: settled.map((result) => (result as PromiseFulfilledResult<ItemOutcome>).value), calls}
}
