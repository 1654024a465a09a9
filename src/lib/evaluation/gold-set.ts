import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import {z} from 'zod'
import {LoopftError} from '../errors.js'
import {containsNul} from '../ingest/import.js'
import {normalisePrompt} from './gold-prompt.js'

/**
 * The gold set: a JSONL file of prompts with reference answers, one item a line:
 * `{"messages": [...], "ideal": "...", "tags": ["..."]}`. The last message is the
 * user's question the model must answer. The set is versioned by the sha256 of
 * the file, and it must never leak into training (see goldPromptKeys).
 */

export interface GoldMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface GoldItem {
  /** 1-based line number in the file. */
  line: number
  messages: GoldMessage[]
  ideal: string
  tags: string[]
  /** sha256 of the prompt messages: the answer cache key (the ideal does not change an answer). */
  promptHash: string
}

export interface GoldSet {
  path: string
  sha256: string
  items: GoldItem[]
}

const MessageSchema = z.object({role: z.enum(['system', 'user', 'assistant']), content: z.string().trim().min(1)}).strict()
const ItemSchema = z.object({
  messages: z.array(MessageSchema).min(1).refine((messages) => messages.at(-1)?.role === 'user', 'the last message must be the user\'s question'),
  ideal: z.string().trim().min(1),
  tags: z.array(z.string().trim().min(1)).default([]),
}).strict()

/** Reads and validates a gold set; every problem names its line. */
export async function readGoldSet(path: string): Promise<GoldSet> {
  let text: string
  try {
    text = await fs.readFile(path, 'utf8')
  } catch (error) {
    throw new LoopftError('INPUT_INVALID', `cannot read the gold set ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, {
      suggestion: 'point the gold file (LOOPFT_GOLD_FILE) at a JSONL gold set',
      cause: error,
    })
  }
  return {path, sha256: createHash('sha256').update(text).digest('hex'), items: parseGoldLines(path, text)}
}

function parseGoldLines(path: string, text: string): GoldItem[] {
  const items: GoldItem[] = []
  const firstLineOfPrompt = new Map<string, number>()
  text.split('\n').forEach((raw, index) => {
    const line = index + 1
    if (raw.trim() === '') return
    const invalid = (reason: string) => new LoopftError('INPUT_INVALID', `${path}:${line}: ${reason}`, {suggestion: 'each line is {"messages":[…],"ideal":"…","tags":[…]}'})
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      throw invalid('not valid JSON')
    }
    if (containsNul(json)) throw invalid('contains a NUL character (U+0000), which Postgres text cannot store')
    const parsed = ItemSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw invalid(`${issue.path.join('.') || 'item'}: ${issue.message}`)
    }
    const promptHash = hashPrompt(parsed.data.messages)
    const earlier = firstLineOfPrompt.get(promptHash)
    if (earlier !== undefined) throw invalid(`the same prompt as line ${earlier}`)
    firstLineOfPrompt.set(promptHash, line)
    items.push({line, ...parsed.data, promptHash})
  })
  if (items.length === 0) throw new LoopftError('INPUT_INVALID', `${path}: the gold set is empty`)
  return items
}

function hashPrompt(messages: GoldMessage[]): string {
  return createHash('sha256').update(JSON.stringify(messages.map(({role, content}) => [role, content]))).digest('hex')
}

/**
 * The normalised text of each gold item's question (its last user message).
 * A training example with a user message whose normalisePrompt() text is in
 * this set must be left out of training data.
 * @example goldPromptKeys(gold.items).has(normalisePrompt(userText)) // true → drop the example
 */
export function goldPromptKeys(items: readonly Pick<GoldItem, 'messages'>[]): Set<string> {
  return new Set(items.map((item) => normalisePrompt(item.messages.at(-1)?.content ?? '')).filter((key) => key !== ''))
}

/** The text of a chat message's content: a string, or the text parts of an array (images ignored). */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((part: {type?: unknown; text?: unknown}) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('\n')
}

/** True when a training example (`{messages:[…]}`) has a user message whose text is a gold prompt. */
export function containsGoldPrompt(example: {messages?: unknown}, keys: ReadonlySet<string>): boolean {
  if (!Array.isArray(example.messages)) return false
  return example.messages.some((message: {role?: unknown; content?: unknown}) => message?.role === 'user' && keys.has(normalisePrompt(messageText(message.content))))
}
