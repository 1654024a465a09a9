import {bump} from './counts.js'
import {countExampleTokens, exampleTokenUpperBound} from '../training/token-count.js'

export type TrainingRole = 'system' | 'user' | 'assistant'

export interface TrainingMessage {
  role: TrainingRole
  content: string
  /** Known to need no JSON escaping (isPlainText); absent means unknown, and the line packer checks. */
  plain?: boolean
}

/** One usable message of a conversation, already sanitised and redacted. */
export interface ConversationMessage {
  role: TrainingRole
  content: string
  plain?: boolean
}

export interface ExampleOptions {
  systemPrompt?: string
  /** The base model's per-example training context, in tokens. */
  maxExampleTokens: number
}

export interface BuiltExamples {
  examples: TrainingMessage[][]
  /** Counted reasons for what was left out, e.g. no_assistant_reply, turn_too_long. */
  skipped: Record<string, number>
  /** Conversations longer than one example that were split into windows. */
  split: boolean
}

/**
 * Turns one conversation into chat fine-tuning examples: consecutive messages
 * of a role merged, leading assistant and trailing user messages dropped, no
 * example without an assistant reply, and long conversations split into
 * windows that fit the token limit (counted exactly only when the cheap byte
 * bound says they might not fit).
 */
export function buildExamples(messages: readonly ConversationMessage[], options: ExampleOptions): BuiltExamples {
  const skipped: Record<string, number> = {}
  const {system, turns} = toTurns(mergeConsecutive(messages), options.systemPrompt, skipped)
  if (turns.length === 0) {
    bump(skipped, 'no_assistant_reply')
    return {examples: [], skipped, split: false}
  }
  const examples = fitsWhole(system, turns, options.maxExampleTokens) ? [exampleMessages(system, turns)] : splitIntoWindows(system, turns, options.maxExampleTokens, skipped)
  return {examples, skipped, split: examples.length > 1}
}

function mergeConsecutive(messages: readonly ConversationMessage[]): TrainingMessage[] {
  const merged: TrainingMessage[] = []
  for (const message of messages) {
    const previous = merged.at(-1)
    // The caller's objects are shared, never changed: a merge makes a new one.
    if (previous !== undefined && previous.role === message.role) merged[merged.length - 1] = {role: message.role, content: `${previous.content}\n\n${message.content}`}
    else merged.push(message)
  }
  return merged
}

type Turn = [TrainingMessage, TrainingMessage]

function toTurns(messages: TrainingMessage[], systemPrompt: string | undefined, skipped: Record<string, number>): {system?: TrainingMessage; turns: Turn[]} {
  let system: TrainingMessage | undefined = systemPrompt === undefined ? undefined : {role: 'system', content: systemPrompt}
  const turns: Turn[] = []
  let pendingUser: TrainingMessage | undefined
  for (let index = 0; index < messages.length; index += 1) {
    const message = messages[index]
    if (message.role === 'system') {
      if (index === 0 && system === undefined) system = message
      else bump(skipped, 'system_message')
    } else if (message.role === 'user') {
      pendingUser = message
    } else if (pendingUser === undefined) {
      bump(skipped, 'leading_assistant')
    } else {
      turns.push([pendingUser, message])
      pendingUser = undefined
    }
  }
  if (pendingUser !== undefined) bump(skipped, 'trailing_user')
  return {system, turns}
}

/** An example's messages in order. A loop, not spreads and flat(): this runs for every conversation, and flat() is slow in V8. */
function exampleMessages(system: TrainingMessage | undefined, turns: Turn[]): TrainingMessage[] {
  const messages = system === undefined ? [] : [system]
  for (const [user, assistant] of turns) messages.push(user, assistant)
  return messages
}

/** The common case, decided without measuring: 3 UTF-8 bytes per UTF-16 unit bound the bytes, which bound the tokens. */
function fitsWhole(system: TrainingMessage | undefined, turns: Turn[], limit: number): boolean {
  let units = system === undefined ? 0 : system.content.length + 16
  for (const [user, assistant] of turns) units += user.content.length + assistant.content.length + 32
  return 3 + 3 * units <= limit
}

function splitIntoWindows(system: TrainingMessage | undefined, turns: Turn[], limit: number, skipped: Record<string, number>): TrainingMessage[][] {
  const headSize = measure(system === undefined ? [] : [system])
  const windows: TrainingMessage[][] = []
  let current: Turn[] = []
  let size = headSize
  for (const turn of turns) {
    const turnSize = measure(turn)
    if (!fits(add(headSize, turnSize), limit)) {
      bump(skipped, 'turn_too_long')
      continue
    }
    if (current.length > 0 && !fits(add(size, turnSize), limit)) {
      windows.push(exampleMessages(system, current))
      current = []
      size = headSize
    }
    current.push(turn)
    size = add(size, turnSize)
  }
  if (current.length > 0) windows.push(exampleMessages(system, current))
  return windows
}

/**
 * Token size of some messages, as a cheap byte bound plus the exact count,
 * computed only when the bound alone cannot prove a fit. Both add up across
 * messages (the per-example constant of 3 is added in fits()).
 */
interface Size {
  bound: number
  exact: () => number
}

function measure(messages: TrainingMessage[]): Size {
  let exact: number | undefined
  return {
    bound: exampleTokenUpperBound(messages) - 3,
    exact: () => (exact ??= countExampleTokens(messages) - 3),
  }
}

function add(a: Size, b: Size): Size {
  let exact: number | undefined
  return {bound: a.bound + b.bound, exact: () => (exact ??= a.exact() + b.exact())}
}

function fits(size: Size, limit: number): boolean {
  return size.bound + 3 <= limit || size.exact() + 3 <= limit
}
