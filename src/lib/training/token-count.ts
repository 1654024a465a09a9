import {createRequire} from 'node:module'
import type {Tokenizer} from './model-catalog.js'

// The o200k tables cost ~70 MB per thread: loaded on the first exact count
// only (export needs one only for examples whose byte length nears the limit).
const requireTokenizer = createRequire(import.meta.url)
const counters: Partial<Record<Tokenizer, (text: string) => number>> = {}

/** Loads a tokenizer on first use: o200k from gpt-tokenizer, Llama 3's from llama3-tokenizer-js (its vocabulary baked in). */
function counter(name: Tokenizer): (text: string) => number {
  if (name === 'llama3') {
    const llama3 = (requireTokenizer('llama3-tokenizer-js') as {default: {encode: (text: string, options: {bos: boolean; eos: boolean}) => number[]}}).default
    return (counters.llama3 ??= (text) => llama3.encode(text, {bos: false, eos: false}).length)
  }
  return (counters.o200k ??= (requireTokenizer('gpt-tokenizer/model/gpt-4o') as {countTokens: (text: string) => number}).countTokens)
}

/**
 * Tokens the chat template adds around the text. OpenAI's cookbook counts 3 per
 * example and 3 per message; Llama 3's template adds <|begin_of_text|> once and,
 * per message, <|start_header_id|>, <|end_header_id|>, the blank line and <|eot_id|>.
 */
export const TEMPLATE_TOKENS: Readonly<Record<Tokenizer, {perExample: number; perMessage: number}>> = {
  o200k: {perExample: 3, perMessage: 3},
  llama3: {perExample: 1, perMessage: 4},
}

function countTokens(text: string, tokenizer: Tokenizer): number {
  return counter(tokenizer)(text)
}

export interface CountableMessage {
  role: string
  content?: string | null
  name?: string
}

/**
 * Exact training tokens of one chat example, the way OpenAI's cookbook counts
 * them: 3 per example, 3 per message, plus the tokens of every value (role and
 * content) and 1 per name. o200k_base, the encoding of every base model loopft
 * can still train (gpt-4o, gpt-4.1 families).
 */
export function countExampleTokens(messages: readonly CountableMessage[]): number {
  let total = 3
  for (const message of messages) {
    total += 3 + countTextTokens(message.role)
    if (typeof message.content === 'string') total += countTextTokens(message.content)
    if (message.name !== undefined) total += 1 + countTextTokens(message.name)
  }
  return total
}

// BPE merging is quadratic in the length of one pre-token: a 1 MB run with no
// whitespace would take hours. Such runs are counted piecewise, which can only
// over-count (by at most one token per piece): exact for all ordinary text.
const LONG_RUN = /\S{512,}/g
const PIECE = 256

export function countTextTokens(text: string, tokenizer: Tokenizer = 'o200k'): number {
  LONG_RUN.lastIndex = 0
  if (!LONG_RUN.test(text)) return countTokens(text, tokenizer)
  let total = countTokens(text.replace(LONG_RUN, ' '), tokenizer)
  for (const [run] of text.matchAll(LONG_RUN)) {
    for (let start = 0; start < run.length; start += PIECE) total += countTokens(run.slice(start, start + PIECE), tokenizer)
  }
  return total
}

/** A BPE token is at least one byte: an upper bound that needs no tokenising. */
export function exampleTokenUpperBound(messages: readonly CountableMessage[]): number {
  let total = 3
  for (const message of messages) {
    total += 3 + Buffer.byteLength(message.role) + (typeof message.content === 'string' ? Buffer.byteLength(message.content) : 0)
    if (message.name !== undefined) total += 1 + Buffer.byteLength(message.name)
  }
  return total
}
