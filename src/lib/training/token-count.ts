import {createRequire} from 'node:module'

// The o200k tables cost ~70 MB per thread: loaded on the first exact count
// only (export needs one only for examples whose byte length nears the limit).
const requireTokenizer = createRequire(import.meta.url)
let tokenizer: ((text: string) => number) | undefined

function countTokens(text: string): number {
  tokenizer ??= (requireTokenizer('gpt-tokenizer/model/gpt-4o') as {countTokens: (text: string) => number}).countTokens
  return tokenizer(text)
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

export function countTextTokens(text: string): number {
  LONG_RUN.lastIndex = 0
  if (!LONG_RUN.test(text)) return countTokens(text)
  let total = countTokens(text.replace(LONG_RUN, ' '))
  for (const [run] of text.matchAll(LONG_RUN)) {
    for (let start = 0; start < run.length; start += PIECE) total += countTokens(run.slice(start, start + PIECE))
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
