import {createHash} from 'node:crypto'
import {performance} from 'node:perf_hooks'
import type OpenAI from 'openai'
import {splitProvider} from '../training/provider.js'
import type {Sql} from '../db/connection.js'
import type {GoldMessage} from './gold-set.js'

/** Sampling parameters of every evaluation call: deterministic as far as the provider allows. */
export interface AnswerParams {
  temperature: 0
  seed: number
  maxCompletionTokens: number
  /** A structured-output format (the judge's JSON schema); part of the cache key like every parameter. */
  responseFormat?: OpenAI.ChatCompletionCreateParams['response_format']
}

export interface Answer {
  content: string
  promptTokens: number
  completionTokens: number
  latencyMs: number
  /** True when it came from loopft_eval_answers instead of the API. */
  cached: boolean
}

export type Answerer = (model: string, messages: GoldMessage[]) => Promise<Answer>

/**
 * Answers through the SDK (its retries apply), cached in Postgres by
 * (model, sha256 of the messages, sha256 of the parameters): a re-run costs
 * nothing and an interrupted run resumes where it stopped, because each answer
 * is stored as soon as it arrives. An answer `cacheIf` rejects (an unreadable
 * verdict) is not stored, so a re-run asks again instead of replaying it.
 */
export function cachedAnswerer(deps: {sql: Sql; openai: OpenAI}, params: AnswerParams, options: {cacheIf?: (content: string) => boolean} = {}): Answerer {
  const paramsHash = sha256(JSON.stringify(params))
  return async (model, messages) => {
    const itemHash = sha256(JSON.stringify(messages.map(({role, content}) => [role, content])))
    const [row] = await deps.sql<CacheRow[]>`
      select content, prompt_tokens, completion_tokens, latency_ms from loopft_eval_answers
      where model = ${model} and item_hash = ${itemHash} and params_hash = ${paramsHash}`
    if (row !== undefined) {
      return {content: row.content, promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens, latencyMs: row.latency_ms, cached: true}
    }
    const started = performance.now()
    const completion = await deps.openai.chat.completions.create({
      // A provider-qualified name (nebius:meta-llama/…) chose the client; the provider knows the model by its own name.
      model: splitProvider(model).model,
      messages,
      temperature: params.temperature,
      seed: params.seed,
      max_completion_tokens: params.maxCompletionTokens,
      ...(params.responseFormat === undefined ? {} : {response_format: params.responseFormat}),
    })
    const answer: Answer = {
      content: completion.choices[0]?.message.content ?? '',
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
      latencyMs: Math.round(performance.now() - started),
      cached: false,
    }
    if (options.cacheIf?.(answer.content) === false) return answer
    await deps.sql`
      insert into loopft_eval_answers (model, item_hash, params_hash, content, prompt_tokens, completion_tokens, latency_ms)
      values (${model}, ${itemHash}, ${paramsHash}, ${answer.content}, ${answer.promptTokens}, ${answer.completionTokens}, ${answer.latencyMs})
      on conflict do nothing`
    return answer
  }
}

interface CacheRow {
  content: string
  prompt_tokens: number
  completion_tokens: number
  latency_ms: number
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
