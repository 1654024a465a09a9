import {countTokens, decode, encode} from 'gpt-tokenizer/model/gpt-4o'
import {countMessagesTokens} from './dataset.js'
import {invalidRequest} from './errors.js'
import {findModel} from './models.js'
import {jsonBody, route, type Route} from './router.js'
import type {Store} from './state.js'

export type ChatMessage = {role: string; content?: unknown} & Record<string, unknown>
/** Answers a chat: must be a pure function of its arguments so that evaluations are reproducible. */
export type ChatBehaviour = (messages: ChatMessage[], request: {model: string; seed: number | null}) => string

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
      const answer = (behaviours.get(model) ?? echoBehaviour)(messages as ChatMessage[], {model, seed})
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

function truncate(answer: string, maxTokens: number): {content: string; finishReason: 'stop' | 'length'} {
  const tokens = encode(answer)
  if (tokens.length <= maxTokens) return {content: answer, finishReason: 'stop'}
  return {content: decode(tokens.slice(0, maxTokens)), finishReason: 'length'}
}
