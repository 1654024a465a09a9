import {countTokens, decode, encode} from 'gpt-tokenizer/model/gpt-4o'
import {countMessagesTokens} from './dataset.js'
import {invalidRequest} from './errors.js'
import {findModel} from './models.js'
import {jsonBody, route, type Route} from './router.js'
import type {Store} from './state.js'

export type ChatMessage = {role: string; content?: unknown} & Record<string, unknown>
/** Answers a chat: must be a pure function of its arguments so that evaluations are reproducible. */
export type ChatBehaviour = (messages: ChatMessage[], request: {model: string; seed: number | null; responseFormat: ResponseFormat}) => string

/** The validated `response_format`: what a behaviour that honours structured outputs must answer in. */
export type ResponseFormat = {type: 'text'} | {type: 'json_object'} | {type: 'json_schema'; name: string; strict: boolean; schema: Record<string, unknown>}

/** The default answer: an echo of the last user message, tagged with the model. */
export const echoBehaviour: ChatBehaviour = (messages, {model}) => {
  const lastUser = [...messages].reverse().find((message) => message.role === 'user')
  return `${model} answers: ${lastUser ? textOf(lastUser.content) : '(no question)'}`
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('')
}

export function chatRoutes(store: Store, behaviours: Map<string, ChatBehaviour>): Route[] {
  return [
    route('POST', '/chat/completions', (context) => {
      const body = jsonBody(context)
      if (typeof body.model !== 'string') throw invalidRequest("Missing required parameter: 'model'.", 'model')
      const messages = body.messages
      if (!Array.isArray(messages) || messages.length === 0) {
        throw invalidRequest("Invalid 'messages': expected a non-empty array.", 'messages')
      }
      if (body.stream === true) throw invalidRequest('The stand-in does not support stream: true.', 'stream')
      const model = findModel(store, body.model).id
      const seed = typeof body.seed === 'number' ? body.seed : null
      const responseFormat = readResponseFormat(body.response_format, messages as ChatMessage[])
      const answer = (behaviours.get(model) ?? echoBehaviour)(messages as ChatMessage[], {model, seed, responseFormat})
      const limit = body.max_completion_tokens ?? body.max_tokens
      const {content, finishReason} = truncate(answer, typeof limit === 'number' ? limit : Infinity)
      const promptTokens = countMessagesTokens(messages)
      const completionTokens = countTokens(content)
      return {
        body: {
          id: store.newId('chatcmpl-'),
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [
            {
              index: 0,
              message: {role: 'assistant', content, refusal: null, annotations: []},
              logprobs: null,
              finish_reason: finishReason,
            },
          ],
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: completionTokens,
            total_tokens: promptTokens + completionTokens,
            prompt_tokens_details: {cached_tokens: 0, audio_tokens: 0},
            completion_tokens_details: {
              reasoning_tokens: 0,
              audio_tokens: 0,
              accepted_prediction_tokens: 0,
              rejected_prediction_tokens: 0,
            },
          },
          service_tier: 'default',
          system_fingerprint: 'fp_standin',
        },
      }
    }),
  ]
}

/**
 * OpenAI's documented rules for `response_format`: `text`, `json_object` (the
 * messages must mention JSON) or `json_schema` with a name of at most 64
 * letters, digits, `_` or `-`, and, when strict, objects that list every
 * property as required and set `additionalProperties: false`.
 */
function readResponseFormat(format: unknown, messages: ChatMessage[]): ResponseFormat {
  if (format === undefined || format === null) return {type: 'text'}
  const {type, json_schema: jsonSchema} = format as {type?: unknown; json_schema?: {name?: unknown; strict?: unknown; schema?: unknown}}
  if (type === 'text') return {type}
  if (type === 'json_object') {
    if (!messages.some((message) => /json/i.test(textOf(message.content)))) {
      throw invalidRequest("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages')
    }
    return {type}
  }
  if (type !== 'json_schema') throw invalidRequest(`Invalid value: '${String(type)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`, 'response_format.type', 'invalid_value')
  if (typeof jsonSchema?.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(jsonSchema.name)) {
    throw invalidRequest("Invalid 'response_format.json_schema.name': must match ^[a-zA-Z0-9_-]{1,64}$.", 'response_format.json_schema.name')
  }
  const schema = (jsonSchema.schema ?? {}) as Record<string, unknown>
  const strict = jsonSchema.strict === true
  if (strict) assertStrictSchema(schema, 'response_format.json_schema.schema')
  return {type, name: jsonSchema.name, strict, schema}
}

function assertStrictSchema(schema: Record<string, unknown>, at: string): void {
  if (schema.type !== 'object') return
  const properties = Object.keys((schema.properties ?? {}) as Record<string, unknown>)
  const required = new Set(Array.isArray(schema.required) ? schema.required : [])
  if (schema.additionalProperties !== false) {
    throw invalidRequest(`Invalid schema for response_format: In context=(), 'additionalProperties' is required to be supplied and to be false.`, at)
  }
  const missing = properties.find((property) => !required.has(property))
  if (missing !== undefined) {
    throw invalidRequest(`Invalid schema for response_format: In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`, at)
  }
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) assertStrictSchema(property, `${at}.${name}`)
}

function truncate(answer: string, maxTokens: number): {content: string; finishReason: 'stop' | 'length'} {
  const tokens = encode(answer)
  if (tokens.length <= maxTokens) return {content: answer, finishReason: 'stop'}
  return {content: decode(tokens.slice(0, maxTokens)), finishReason: 'length'}
}
