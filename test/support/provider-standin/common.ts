import {randomBytes} from 'node:crypto'
import llama3Tokenizer from 'llama3-tokenizer-js'
import {ApiError} from '../openai-standin/errors.js'

import type {ChatBehaviour, ChatMessage, ResponseFormat} from '../openai-standin/chat.js'
import type {ProviderFaultSpec, RequestRecord} from './http.js'

/** How a model answers: the OpenAI stand-in's behaviours work here too. */
export type {ChatBehaviour, ChatMessage} from '../openai-standin/chat.js'

export const echo: ChatBehaviour = (messages, {model}) => `${model} answers: ${textOf([...messages].reverse().find((message) => message.role === 'user')?.content)}`

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  return Array.isArray(content) ? content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('') : ''
}

/** The response_format a chat asked for, as behaviours see it (both providers document OpenAI's json_schema form). */
export function responseFormatOf(format: unknown): ResponseFormat {
  const {type, json_schema: schema} = (format ?? {type: 'text'}) as {type?: string; json_schema?: {name: string; strict?: boolean; schema: Record<string, unknown>}}
  return type === 'json_schema' && schema !== undefined ? {type, name: schema.name, strict: schema.strict === true, schema: schema.schema} : type === 'json_object' ? {type} : {type: 'text'}
}

export const llamaTokens = (text: string): number => llama3Tokenizer.encode(text, {bos: false, eos: false}).length

/** Training tokens of a conversational JSONL file under Llama 3's chat template (what both providers bill). */
export function datasetTokens(content: Buffer): {examples: number; tokens: number} {
  const lines = content.toString('utf8').split('\n').filter((line) => line.trim() !== '')
  let tokens = 0
  for (const line of lines) {
    const {messages} = JSON.parse(line) as {messages: ChatMessage[]}
    tokens += 1 + messages.reduce((sum, message) => sum + 4 + llamaTokens(message.role) + llamaTokens(textOf(message.content)), 0)
  }
  return {examples: lines.length, tokens}
}

export const randomId = (prefix: string, bytes = 12): string => `${prefix}${randomBytes(bytes).toString('hex')}`
export const randomSlug = (length: number): string => Array.from(randomBytes(length), (byte) => 'abcdefghijklmnopqrstuvwxyz'[byte % 26]).join('')

export const badRequest = (message: string, param: string | null = null, code: string | null = null): ApiError => new ApiError(400, message, 'invalid_request_error', param, code)
export const notFound = (message: string, code: string | null = null): ApiError => new ApiError(404, message, 'invalid_request_error', null, code)

/** FastAPI's validation error (422, `detail` list), which Nebius answers for a malformed body. */
export class ValidationError extends ApiError {
  constructor(readonly location: string[], message: string, readonly kind = 'value_error') {
    super(422, message)
  }

  override toBody(): never {
    return {detail: [{loc: this.location, msg: this.message, type: this.kind}]} as never
  }
}

export function chatCompletion(model: string, messages: ChatMessage[], answer: string) {
  const promptTokens = 1 + messages.reduce((sum, message) => sum + 4 + llamaTokens(textOf(message.content)), 0)
  return {
    id: randomId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{index: 0, message: {role: 'assistant', content: answer}, finish_reason: 'stop', logprobs: null}],
    usage: {prompt_tokens: promptTokens, completion_tokens: llamaTokens(answer), total_tokens: promptTokens + llamaTokens(answer)},
  }
}

/** What every provider stand-in offers its tests, whatever the provider's own routes. */
export interface ProviderStandinControls<File> {
  readonly baseURL: string
  readonly requests: RequestRecord[]
  readonly files: Map<string, File>
  /** Moves every unfinished piece of work one step. */
  advance(steps?: number): void
  setChatBehaviour(model: string, behaviour: ChatBehaviour | null): void
  injectFault(fault: ProviderFaultSpec): void
  clearFaults(): void
  reset(): void
  close(): Promise<void>
}

/** The stored item, or the provider's 404 with its own wording. */
export function findOr404<T>(items: ReadonlyMap<string, T>, id: string, message: string): T {
  const item = items.get(id)
  if (item === undefined) throw notFound(message)
  return item
}
