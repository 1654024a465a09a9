import {countTokens} from 'gpt-tokenizer/model/gpt-4o'

/** What a valid training file holds, as the job needs it. */
export interface DatasetSummary {
  examples: number
  /** Σ min(limit, tokens of each example): the billable tokens of one epoch (contract §3.5). */
  tokensPerEpoch: number
  truncatedExamples: number
}

export class DatasetError extends Error {}

const ROLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  system: ['role', 'content', 'name'],
  user: ['role', 'content', 'name'],
  assistant: ['role', 'content', 'name', 'weight', 'tool_calls', 'function_call', 'refusal'],
  tool: ['role', 'content', 'tool_call_id'],
  function: ['role', 'content', 'name'],
}
const EXAMPLE_KEYS = ['messages', 'tools', 'parallel_tool_calls', 'functions']
export const MIN_TRAINING_EXAMPLES = 10

/**
 * Checks a supervised chat JSONL file against the contract's §3.5 rules and counts its tokens the
 * cookbook's way. Throws DatasetError with a one-line reason naming the line.
 */
export function summarizeDataset(content: Buffer, tokenLimit: number, minExamples: number): DatasetSummary {
  const text = content.toString('utf8')
  if (text.startsWith('\uFEFF')) throw new DatasetError('The file starts with a byte-order mark.')
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n')
  const summary: DatasetSummary = {examples: 0, tokensPerEpoch: 0, truncatedExamples: 0}
  lines.forEach((line, index) => {
    const tokens = exampleTokens(parseExample(line, index + 1), index + 1)
    summary.examples += 1
    summary.tokensPerEpoch += Math.min(tokens, tokenLimit)
    if (tokens > tokenLimit) summary.truncatedExamples += 1
  })
  if (summary.examples < minExamples) {
    throw new DatasetError(
      `Training file has ${summary.examples} example(s), but must have at least ${minExamples} examples.`,
    )
  }
  return summary
}

/** Tokens of a chat (the cookbook's count): 3 per message, each value, 1 per name, 3 per example. */
export function countMessagesTokens(messages: readonly Record<string, unknown>[]): number {
  let tokens = 3
  for (const message of messages) {
    tokens += 3
    for (const [key, value] of Object.entries(message)) {
      if (key === 'weight' || value == null) continue
      tokens += countTokens(typeof value === 'string' ? value : textOf(value))
      if (key === 'name') tokens += 1
    }
  }
  return tokens
}

function textOf(value: unknown): string {
  if (Array.isArray(value) && value.every((part) => typeof part?.text === 'string')) {
    return value.map((part) => part.text).join('')
  }
  return JSON.stringify(value)
}

function parseExample(line: string, lineNumber: number): Record<string, unknown> {
  if (line.trim() === '') throw new DatasetError(`Line ${lineNumber} is blank.`)
  let example: unknown
  try {
    example = JSON.parse(line)
  } catch {
    throw new DatasetError(`Line ${lineNumber} is not valid JSON.`)
  }
  if (typeof example !== 'object' || example === null || Array.isArray(example)) {
    throw new DatasetError(`Line ${lineNumber} is not a JSON object.`)
  }
  return example as Record<string, unknown>
}

function exampleTokens(example: Record<string, unknown>, line: number): number {
  const unknownKey = Object.keys(example).find((key) => !EXAMPLE_KEYS.includes(key))
  if (unknownKey) throw new DatasetError(`Line ${line}: unrecognized key "${unknownKey}".`)
  const messages = example.messages
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new DatasetError(`Line ${line}: missing "messages" list.`)
  }
  messages.forEach((message, index) => checkMessage(message, `Line ${line}, message ${index + 1}`))
  if (!messages.some((message) => message.role === 'assistant')) {
    throw new DatasetError(`Line ${line}: example is missing an assistant message.`)
  }
  const toolTokens = example.tools === undefined ? 0 : countTokens(JSON.stringify(example.tools))
  return countMessagesTokens(messages) + toolTokens
}

function checkMessage(message: unknown, where: string): void {
  if (typeof message !== 'object' || message === null) throw new DatasetError(`${where}: not an object.`)
  const {role, content, weight} = message as Record<string, unknown>
  const allowed = ROLE_KEYS[String(role)]
  if (!allowed) throw new DatasetError(`${where}: unrecognized role ${JSON.stringify(role)}.`)
  const unknownKey = Object.keys(message).find((key) => !allowed.includes(key))
  if (unknownKey) throw new DatasetError(`${where}: unrecognized key "${unknownKey}".`)
  if (weight !== undefined && weight !== 0 && weight !== 1) throw new DatasetError(`${where}: weight must be 0 or 1.`)
  const m = message as Record<string, unknown>
  const contentOptional = role === 'assistant' && (m.tool_calls !== undefined || m.function_call !== undefined)
  if (content == null ? !contentOptional : !isValidContent(String(role), content)) {
    throw new DatasetError(`${where}: missing or invalid content.`)
  }
  if (Array.isArray(m.tool_calls)) m.tool_calls.forEach((call) => checkToolCall(call, where))
}

function isValidContent(role: string, content: unknown): boolean {
  if (typeof content === 'string') return content.length > 0
  if (!Array.isArray(content) || content.length === 0) return false
  if (role === 'assistant' && content.length === 1 && content[0]?.type === 'refusal') return true
  return content.every(
    (part) =>
      (part?.type === 'text' && typeof part.text === 'string') ||
      (role === 'user' && part?.type === 'image_url' && typeof part.image_url?.url === 'string'),
  )
}

function checkToolCall(call: unknown, where: string): void {
  const fn = (call as {function?: {name?: unknown; arguments?: unknown}} | null)?.function
  if (typeof fn?.name !== 'string' || typeof fn.arguments !== 'string') {
    throw new DatasetError(`${where}: each tool call needs function.name and function.arguments as a JSON string.`)
  }
}
