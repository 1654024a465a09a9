import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import {countTextTokens, TEMPLATE_TOKENS} from './token-count.js'
import type {Tokenizer} from './model-catalog.js'
import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {writeFileAtomic} from '../files.js'
import {lineHash} from '../export/line-filter.js'
import {loadRejectedLines} from '../review/rejections.js'

export const MIN_TRAINING_EXAMPLES = 10

export interface DatasetStats {
  examples: number
  /** Σ tokens per example, exactly counted (o200k_base, the cookbook's per-message overhead). */
  tokensPerEpoch: number
  maxExampleTokens: number
  bytes: number
  sha256: string
}

const EXAMPLE_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls', 'functions'])
const MESSAGE_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  system: new Set(['role', 'content', 'name']),
  user: new Set(['role', 'content', 'name']),
  assistant: new Set(['role', 'content', 'name', 'weight', 'tool_calls', 'function_call', 'refusal']),
  tool: new Set(['role', 'content', 'tool_call_id']),
  function: new Set(['role', 'content', 'name']),
}
const MAX_REPORTED_PROBLEMS = 5

/**
 * Validates a supervised chat JSONL dataset against the provider's format rules
 * (OpenAI's chat fine-tuning format: roles, content types, an assistant turn), the minimum example count and the base model's per-example
 * token limit, and counts its training tokens. Throws INPUT_INVALID naming the
 * first lines at fault.
 */
export function validateDataset(content: Buffer, options: {trainingContext: number; minExamples?: number; label?: string; tokenizer?: Tokenizer}): DatasetStats {
  const label = options.label ?? 'dataset'
  const text = content.toString('utf8')
  const problems: string[] = []
  if (text.startsWith('\uFEFF')) problems.push('starts with a byte-order mark')
  const lines = splitLines(text)
  let tokensPerEpoch = 0
  let maxExampleTokens = 0
  lines.forEach((line, index) => {
    const result = checkExample(line, options.tokenizer ?? 'o200k')
    if (typeof result === 'string') {
      problems.push(`line ${index + 1}: ${result}`)
      return
    }
    if (result > options.trainingContext) problems.push(`line ${index + 1}: ${result} tokens, over the model's ${options.trainingContext}-token limit per example`)
    tokensPerEpoch += result
    maxExampleTokens = Math.max(maxExampleTokens, result)
  })
  const minExamples = options.minExamples ?? MIN_TRAINING_EXAMPLES
  if (lines.length < minExamples) problems.push(`${lines.length} example(s); at least ${minExamples} are needed`)
  if (problems.length > 0) {
    throw new LoopftError('INPUT_INVALID', `${label} is invalid: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
      suggestion: 'fix the file, or re-export; see the training data format in the README',
      details: {problems: problems.slice(0, MAX_REPORTED_PROBLEMS)},
    })
  }
  return {examples: lines.length, tokensPerEpoch, maxExampleTokens, bytes: content.length, sha256: sha256(content)}
}

export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex')
}

function splitLines(text: string): string[] {
  if (text === '') return []
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')
}

/** Tokens of one valid example, or why it is invalid. */
function checkExample(line: string, tokenizer: Tokenizer): number | string {
  if (line.trim() === '') return 'blank line'
  let example: unknown
  try {
    example = JSON.parse(line)
  } catch {
    return 'not valid JSON'
  }
  if (typeof example !== 'object' || example === null || Array.isArray(example)) return 'not a JSON object'
  const record = example as Record<string, unknown>
  const extra = Object.keys(record).find((key) => !EXAMPLE_KEYS.has(key))
  if (extra !== undefined) return `unrecognized key "${extra}"`
  const messages = record.messages
  if (!Array.isArray(messages) || messages.length === 0) return 'missing a non-empty "messages" list'
  for (const [index, message] of messages.entries()) {
    const problem = checkMessage(message)
    if (problem !== undefined) return `message ${index + 1}: ${problem}`
  }
  if (!messages.some((message) => message.role === 'assistant')) return 'no assistant message'
  return exampleTokens(messages, record, tokenizer)
}

function checkMessage(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'not an object'
  const {role, content, weight, tool_calls: toolCalls, function_call: functionCall} = message as Record<string, unknown>
  const allowed = MESSAGE_KEYS[String(role)]
  if (allowed === undefined) return `unrecognized role ${JSON.stringify(role)}`
  const extra = Object.keys(message).find((key) => !allowed.has(key))
  if (extra !== undefined) return `unrecognized key "${extra}"`
  if (weight !== undefined && weight !== 0 && weight !== 1) return 'weight must be 0 or 1'
  const contentOptional = role === 'assistant' && (toolCalls !== undefined || functionCall !== undefined)
  if (content === undefined || content === null ? !contentOptional : !isValidContent(String(role), content)) return 'missing or invalid content'
  if (toolCalls !== undefined && !(Array.isArray(toolCalls) && toolCalls.every(isToolCall))) return 'tool_calls need function.name and function.arguments as a JSON string'
  return undefined
}

function isValidContent(role: string, content: unknown): boolean {
  if (typeof content === 'string') return content.length > 0
  if (!Array.isArray(content) || content.length === 0) return false
  if (role === 'assistant' && content.length === 1 && content[0]?.type === 'refusal') return true
  return content.every((part) => (part?.type === 'text' && typeof part.text === 'string')
    || (role === 'user' && part?.type === 'image_url' && typeof part.image_url?.url === 'string'))
}

function isToolCall(call: unknown): boolean {
  const fn = (call as {function?: {name?: unknown; arguments?: unknown}} | null)?.function
  return typeof fn?.name === 'string' && typeof fn.arguments === 'string'
}

/** The cookbook's count: 3 per example, 3 per message, every value (role included), 1 per name, plus tool definitions. */
function exampleTokens(messages: Record<string, unknown>[], example: Record<string, unknown>, tokenizer: Tokenizer): number {
  const template = TEMPLATE_TOKENS[tokenizer]
  let tokens = template.perExample
  for (const message of messages) {
    tokens += template.perMessage
    for (const [key, value] of Object.entries(message)) {
      if (key === 'weight' || value === null || value === undefined) continue
      tokens += countTextTokens(typeof value === 'string' ? value : textOf(value), tokenizer) + (key === 'name' ? 1 : 0)
    }
  }
  for (const key of ['tools', 'functions']) if (example[key] !== undefined) tokens += countTextTokens(JSON.stringify(example[key]), tokenizer)
  return tokens
}

function textOf(value: unknown): string {
  if (Array.isArray(value) && value.every((part) => typeof part?.text === 'string')) return value.map((part) => part.text).join('')
  return JSON.stringify(value)
}

/**
 * Holds out about `share` of the examples for validation, deterministically: an
 * example goes to validation when the hash of its line falls under the share, so
 * the same dataset always splits the same way (and at least one line is held out).
 */
export function splitDataset(content: Buffer, share: number): {training: Buffer; validation: Buffer} {
  const lines = splitLines(content.toString('utf8'))
  const position = (line: string) => createHash('sha256').update(line).digest().readUInt32BE(0) / 2 ** 32
  const positions = lines.map(position)
  const cut = Math.max(share, Math.min(...positions))
  const pick = (held: boolean) => Buffer.from(lines.filter((_, index) => (positions[index] <= cut) === held).map((line) => `${line}\n`).join(''))
  return {training: pick(false), validation: pick(true)}
}

export interface ExportedDataset {
  content: Buffer
  exportRunIds: number[]
  sourceFiles: string[]
  duplicates: number
  /** Lines a reviewer rejected (loopft review) that were still in a file: left out. */
  rejected: number
}

/** A succeeded export run and its daily files (numbered parts included), resolved. */
export interface ExportRunFiles {
  id: number
  files: string[]
}

/**
 * Concatenates the daily files of succeeded export runs whose window ended in
 * (since, until], oldest first, dropping repeated and rejected lines.
 */
export async function collectExportedDataset(sql: Sql, window: {since: Date; until: Date}): Promise<ExportedDataset> {
  return collectRunsDataset(sql, await exportRunsInWindow(sql, window))
}

/** The succeeded export runs whose window ended in (since, until], oldest first: what tune collects. */
export async function exportRunsInWindow(sql: Sql, window: {since: Date; until: Date}): Promise<ExportRunFiles[]> {
  // to_jsonb: daily_files (numbered parts) is read when the export schema has it.
  const runs = await sql<RunRow[]>`
    select id, to_jsonb(r) as run from loopft_export_runs r
    where status = 'succeeded' and window_end > ${window.since} and window_end <= ${window.until}
    order by window_end, id`
  return runs.map(toRunFiles)
}

/** The named export runs (succeeded ones only), oldest first. */
export async function exportRunsById(sql: Sql, ids: readonly number[]): Promise<ExportRunFiles[]> {
  const runs = await sql<RunRow[]>`
    select id, to_jsonb(r) as run from loopft_export_runs r
    where status = 'succeeded' and id = any(${ids as number[]}::bigint[])
    order by window_end, id`
  return runs.map(toRunFiles)
}

/** The lines of the runs' daily files, in order, once each, without the lines a reviewer rejected. */
export async function collectRunsDataset(sql: Sql, runs: readonly ExportRunFiles[]): Promise<ExportedDataset> {
  const rejectedLines = await loadRejectedLines(sql)
  const seen = new Set<string>()
  const kept: string[] = []
  let duplicates = 0
  let rejected = 0
  for (const file of runs.flatMap((run) => run.files)) {
    for (const line of splitLines(await readExportFile(file))) {
      const key = lineHash(line)
      if (seen.has(key)) duplicates += 1
      else if (rejectedLines.has(key)) rejected += 1
      else kept.push(line)
      seen.add(key)
    }
  }
  return {content: Buffer.from(kept.map((line) => `${line}\n`).join('')), exportRunIds: runs.map((run) => run.id), sourceFiles: runs.flatMap((run) => run.files), duplicates, rejected}
}

interface RunRow {
  id: string
  run: {out_dir: string; daily_file: string | null; daily_files?: string[]}
}

function toRunFiles({id, run}: RunRow): ExportRunFiles {
  const files = run.daily_files !== undefined && run.daily_files.length > 0 ? run.daily_files : run.daily_file === null ? [] : [run.daily_file]
  return {id: Number(id), files: files.map((name) => path.resolve(run.out_dir, name))}
}

async function readExportFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (error) {
    throw new LoopftError('INPUT_INVALID', `an export file of the window is missing: ${file} (${(error as NodeJS.ErrnoException).code})`, {
      suggestion: 'restore it, or train from a dataset file of your own',
      cause: error,
    })
  }
}

/** Writes the dataset under `<outDir>/datasets/`, named by its hash: temp file, fsync, rename. */
export async function writeDataset(outDir: string, content: Buffer, name: string): Promise<string> {
  const directory = path.join(outDir, 'datasets')
  await fs.mkdir(directory, {recursive: true})
  const final = path.join(directory, name)
  await writeFileAtomic(final, content)
  return final
}
