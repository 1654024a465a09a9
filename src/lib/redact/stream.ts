import {once} from 'node:events'
import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'
import type {Readable, Writable} from 'node:stream'
import {StringDecoder} from 'node:string_decoder'
import {LoopftError} from '../errors.js'
import {writeStreamAtomic} from '../files.js'
import {PII_TYPES, type RedactionCounts, type Redactor} from './index.js'

export type RedactFormat = 'auto' | 'text' | 'jsonl'

export interface RedactStreamOptions {
  /** `auto`: JSONL when the first non-empty line starts with `{` and parses, text otherwise. */
  format?: RedactFormat
  redactor: Redactor
}

export interface RedactStreamResult {
  format: 'text' | 'jsonl'
  lines: number
  /** JSONL mode only: lines that did not parse; they were redacted as plain text and passed through. */
  invalidLines: number
  counts: RedactionCounts
  total: number
}

/**
 * Redacts `input` into `output` line by line with constant memory: one output line per input line,
 * line endings kept. JSONL: every string under `messages[].content` (string content, and the `text`
 * of content parts) is redacted and the rest of the object is left as it was; a line with nothing to
 * redact is copied byte for byte. Pseudonym scope: the line's `id`/`conversation_id`, else its line number.
 */
export async function redactStream(input: Readable, output: Writable, options: RedactStreamOptions): Promise<RedactStreamResult> {
  const state: StreamState = {format: options.format === 'auto' || options.format === undefined ? undefined : options.format, lines: 0, invalidLines: 0, counts: {}, redactor: options.redactor}
  const decoder = new StringDecoder('utf8')
  let pending = ''
  for await (const chunk of input) {
    const text = pending + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer))
    const last = text.lastIndexOf('\n')
    if (last === -1) {
      pending = text
      continue
    }
    pending = text.slice(last + 1)
    await write(output, redactLines(text.slice(0, last + 1), state))
  }
  pending += decoder.end()
  if (pending !== '') await write(output, redactLines(pending, state))
  const total = Object.values(state.counts).reduce((sum, n) => sum + (n ?? 0), 0)
  return {format: state.format ?? 'text', lines: state.lines, invalidLines: state.invalidLines, counts: orderCounts(state.counts), total}
}

/** File (or `-`/undefined = stdin) to file (via a temporary name, renamed on success) or stdout. */
export async function redactFile(inputPath: string | undefined, outputPath: string | undefined, options: RedactStreamOptions): Promise<RedactStreamResult> {
  const fromStdin = inputPath === undefined || inputPath === '-'
  if (!fromStdin) {
    const info = await stat(inputPath).catch(() => undefined)
    if (info === undefined || !info.isFile()) throw new LoopftError('NOT_FOUND', `no such file: ${inputPath}`)
  }
  const input = fromStdin ? process.stdin : createReadStream(inputPath)
  if (outputPath === undefined || outputPath === '-') return redactToStdout(input, options)
  return writeStreamAtomic(outputPath, (output) => redactStream(input, output, options))
}

/**
 * Standard output whose reader went away (`loopft redact … | head`): the rest
 * is not wanted, so the run ends quietly (exit 0) with what it counted so far.
 */
async function redactToStdout(input: Readable, options: RedactStreamOptions): Promise<RedactStreamResult> {
  let pipeClosed = false
  // Stays attached: writes still buffered when the reader left fail later too.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') pipeClosed = true
    input.destroy(error)
  })
  try {
    return await redactStream(input, process.stdout, options)
  } catch (error) {
    if (!pipeClosed) throw error
    return {format: options.format === 'jsonl' ? 'jsonl' : 'text', lines: 0, invalidLines: 0, counts: {}, total: 0}
  }
}

interface StreamState {
  format: 'text' | 'jsonl' | undefined
  lines: number
  invalidLines: number
  counts: RedactionCounts
  redactor: Redactor
}

function redactLines(block: string, state: StreamState): string {
  let out = ''
  let from = 0
  while (from < block.length) {
    const newline = block.indexOf('\n', from)
    const end = newline === -1 ? block.length : newline + 1
    let lineEnd = newline === -1 ? block.length : newline
    if (lineEnd > from && block.charCodeAt(lineEnd - 1) === 13) lineEnd-- // keep \r\n
    out += redactLine(block.slice(from, lineEnd), state) + block.slice(lineEnd, end)
    from = end
  }
  return out
}

function redactLine(line: string, state: StreamState): string {
  state.lines++
  if (state.format === undefined && line.trim() !== '') state.format = looksLikeJsonl(line) ? 'jsonl' : 'text'
  if (state.format !== 'jsonl' || line.trim() === '') return redactPlain(line, '', state)
  let record: unknown
  try {
    record = JSON.parse(line)
  } catch {
    state.invalidLines++
    return redactPlain(line, '', state)
  }
  return redactRecord(record, line, state)
}

function redactPlain(text: string, scope: string, state: StreamState): string {
  const result = state.redactor.redact(text, scope)
  if (result.total > 0) addCounts(state.counts, result.counts)
  return result.text
}

function redactRecord(record: unknown, line: string, state: StreamState): string {
  const listed = (record as {messages?: unknown})?.messages
  // loopft import's other format, one message per line ({conversation_id, role, content, …}), is the message itself.
  const messages = Array.isArray(listed) ? listed : isMessage(record) ? [record] : undefined
  if (messages === undefined) return line
  const scope = scopeOf(record as Record<string, unknown>, state.lines)
  let changed = false
  const redact = (text: string): string => {
    const result = state.redactor.redact(text, scope)
    if (result.total === 0) return text
    changed = true
    addCounts(state.counts, result.counts)
    return result.text
  }
  for (const message of messages) {
    if (message === null || typeof message !== 'object') continue
    const content = (message as {content?: unknown}).content
    if (typeof content === 'string') (message as {content: string}).content = redact(content)
    for (const parts of [content, (message as {content_parts?: unknown}).content_parts]) {
      if (!Array.isArray(parts)) continue
      for (const part of parts) {
        if (part !== null && typeof part === 'object' && typeof (part as {text?: unknown}).text === 'string') {
          ;(part as {text: string}).text = redact((part as {text: string}).text)
        }
      }
    }
  }
  return changed ? JSON.stringify(record) : line
}

function isMessage(record: unknown): boolean {
  if (record === null || typeof record !== 'object') return false
  const {content, content_parts: parts} = record as {content?: unknown; content_parts?: unknown}
  return typeof content === 'string' || Array.isArray(content) || Array.isArray(parts)
}

function scopeOf(record: Record<string, unknown>, lineNumber: number): string {
  const metadata = record.metadata as Record<string, unknown> | undefined
  for (const id of [record.conversation_id, record.id, metadata?.conversation_id]) {
    if (typeof id === 'string' || typeof id === 'number') return String(id)
  }
  return `line:${lineNumber}`
}

function looksLikeJsonl(line: string): boolean {
  if (line.trimStart()[0] !== '{') return false
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}

function addCounts(into: RedactionCounts, from: RedactionCounts): void {
  for (const [type, n] of Object.entries(from) as [keyof RedactionCounts, number][]) into[type] = (into[type] ?? 0) + n
}

function orderCounts(counts: RedactionCounts): RedactionCounts {
  const ordered: RedactionCounts = {}
  for (const type of PII_TYPES) if (counts[type] !== undefined) ordered[type] = counts[type]
  return ordered
}

async function write(output: Writable, text: string): Promise<void> {
  if (text !== '' && !output.write(text)) await once(output, 'drain')
}
