import {countTokens} from 'gpt-tokenizer/model/gpt-4o'

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
    total += 3 + countTokens(message.role)
    if (typeof message.content === 'string') total += countTokens(message.content)
    if (message.name !== undefined) total += 1 + countTokens(message.name)
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
