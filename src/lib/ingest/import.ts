import {createReadStream} from 'node:fs'
import fs from 'node:fs/promises'
import readline from 'node:readline'
import {z} from 'zod'
import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {forgottenUserCheck} from './tombstones.js'

const timestamp = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value)
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({code: 'custom', message: `not a timestamp: ${value}`})
    return z.NEVER
  }
  return date
})

const contentPart = z.object({type: z.string()}).loose()

const MessageLine = z.object({
  conversation_id: z.union([z.string().min(1), z.number()]).transform(String),
  user_id: z.union([z.string(), z.number()]).transform(String).nullish(),
  role: z.string().min(1),
  content: z.union([z.string(), z.array(contentPart)]).nullish(),
  content_parts: z.array(contentPart).nullish(),
  created_at: timestamp.optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
})

const ConversationLine = z.object({
  conversation_id: z.union([z.string().min(1), z.number()]).transform(String).optional(),
  user_id: z.union([z.string(), z.number()]).transform(String).nullish(),
  created_at: timestamp.optional(),
  messages: z.array(z.object({role: z.string().min(1), content: z.union([z.string(), z.array(contentPart)]).nullish(), created_at: timestamp.optional()}).loose()).min(1),
})

export interface ImportRow {
  conversation_id: string
  user_id: string | null
  role: string
  content: string | null
  content_parts: unknown[] | null
  created_at: Date
  metadata: Record<string, unknown>
}

export interface ImportOptions {
  file: string
  /** Shift every timestamp so that the newest lands this long before now: sample data that looks recent. */
  relativeToNow?: boolean
  batchSize?: number
  now?: Date
  /** Users erased by forget; their lines are skipped and counted. Default: the database's tombstones. */
  isForgotten?: (userId: string) => boolean
}

export interface ImportResult {
  file: string
  linesRead: number
  messagesImported: number
  conversations: number
  rejected: Array<{line: number; reason: string}>
  rejectedCount: number
  /** Messages already in the table (a re-run of the same file): not inserted again. */
  alreadyPresent: number
  skippedForgotten: number
  shiftedBySeconds: number
}

/** The failure for an import that rejected lines: PARTIAL (the good lines are in), carrying the result. */
export function importFailure(result: ImportResult): LoopftError | undefined {
  if (result.rejectedCount === 0) return undefined
  return new LoopftError('PARTIAL', `${result.rejectedCount} line(s) of ${result.file} were rejected; the other ${result.messagesImported} message(s) were imported`, {
    suggestion: 'fix the rejected lines (listed with their line numbers) and import them again',
    result,
  })
}

const MAX_REPORTED_REJECTS = 50
const SPACING_MS = 1000

/**
 * Loads a JSONL file of messages (one per line) or OpenAI-format conversations
 * (one per line) into conversation_messages, in batches. Bad lines are rejected
 * with their line number; good ones still load. The file loads in one
 * transaction (a killed import leaves nothing), and a message already in the
 * table is not inserted again, so re-running an import never duplicates rows.
 */
export async function importConversations(sql: Sql, options: ImportOptions): Promise<ImportResult> {
  await assertReadable(options.file)
  const now = options.now ?? new Date()
  const shiftMs = options.relativeToNow ? await shiftToNow(options.file, now) : 0
  const isForgotten = options.isForgotten ?? (await forgottenUserCheck(sql))
  return sql.begin((tx) => importInTransaction(tx as unknown as Sql, options, now, shiftMs, isForgotten)) as Promise<ImportResult>
}

async function importInTransaction(sql: Sql, options: ImportOptions, now: Date, shiftMs: number, isForgotten: (userId: string) => boolean): Promise<ImportResult> {
  const result: ImportResult = {file: options.file, linesRead: 0, messagesImported: 0, conversations: 0, rejected: [], rejectedCount: 0, alreadyPresent: 0, skippedForgotten: 0, shiftedBySeconds: Math.round(shiftMs / 1000)}
  const conversations = new Set<string>()
  let batch: ImportRow[] = []
  const flush = async () => {
    if (batch.length === 0) return
    const inserted = await insertNewRows(sql, batch)
    result.messagesImported += inserted
    result.alreadyPresent += batch.length - inserted
    batch = []
  }
  for await (const {line, number} of readLines(options.file)) {
    result.linesRead = number
    if (line.trim() === '') continue
    const parsed = parseLine(line, number, now)
    if ('reason' in parsed) {
      result.rejectedCount += 1
      if (result.rejected.length < MAX_REPORTED_REJECTS) result.rejected.push({line: number, reason: parsed.reason})
      continue
    }
    for (const row of parsed.rows) {
      if (row.user_id !== null && isForgotten(row.user_id)) {
        result.skippedForgotten += 1
        continue
      }
      row.created_at = new Date(row.created_at.getTime() + shiftMs)
      conversations.add(row.conversation_id)
      batch.push(row)
    }
    if (batch.length >= (options.batchSize ?? 1000)) await flush()
  }
  await flush()
  result.conversations = conversations.size
  return result
}

/** Inserts the rows not already present (same conversation, user, role, time and content); returns how many it inserted. */
async function insertNewRows(sql: Sql, rows: ImportRow[]): Promise<number> {
  const inserted = await sql`
    insert into conversation_messages (conversation_id, user_id, role, content, content_parts, created_at, metadata)
    select r.conversation_id, r.user_id, r.role, r.content, r.content_parts, r.created_at, coalesce(r.metadata, '{}'::jsonb)
    from jsonb_to_recordset(${sql.json(rows as never)}) as r (conversation_id text, user_id text, role text, content text, content_parts jsonb, created_at timestamptz, metadata jsonb)
    where not exists (
      select 1 from conversation_messages m
      where m.conversation_id = r.conversation_id and m.created_at = r.created_at and m.role = r.role
        and m.user_id is not distinct from r.user_id and m.content is not distinct from r.content and m.content_parts is not distinct from r.content_parts)`
  return inserted.count
}

function parseLine(line: string, number: number, now: Date): {rows: ImportRow[]} | {reason: string} {
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch {
    return {reason: 'not valid JSON'}
  }
  // Postgres text and jsonb cannot hold U+0000: rejected here with the line number rather than failing the insert.
  if (containsNul(json)) return {reason: 'contains a NUL character (U+0000), which Postgres text cannot store'}
  const isConversation = typeof json === 'object' && json !== null && 'messages' in json
  const parsed = isConversation ? ConversationLine.safeParse(json) : MessageLine.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {reason: `${issue.path.join('.') || 'line'}: ${issue.message}`}
  }
  if (isConversation) return {rows: conversationRows(parsed.data as z.infer<typeof ConversationLine>, number, now)}
  const message = parsed.data as z.infer<typeof MessageLine>
  return {rows: [toRow(message.conversation_id, message.user_id ?? null, message, message.created_at ?? now, message.metadata ?? {})]}
}

/** Whether a parsed JSON value holds U+0000 anywhere (Postgres text and jsonb cannot store it). */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (Array.isArray(value)) return value.some(containsNul)
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, entry]) => key.includes('\u0000') || containsNul(entry))
  return false
}

function conversationRows(conversation: z.infer<typeof ConversationLine>, number: number, now: Date): ImportRow[] {
  const conversationId = conversation.conversation_id ?? `import-line-${number}`
  const start = conversation.created_at ?? now
  return conversation.messages.map((message, index) =>
    toRow(conversationId, conversation.user_id ?? null, message, message.created_at ?? new Date(start.getTime() + index * SPACING_MS), {}))
}

function toRow(conversationId: string, userId: string | null, message: {role: string; content?: string | unknown[] | null; content_parts?: unknown[] | null}, createdAt: Date, metadata: Record<string, unknown>): ImportRow {
  const parts = Array.isArray(message.content) ? message.content : message.content_parts ?? null
  return {
    conversation_id: conversationId,
    user_id: userId,
    role: message.role,
    content: typeof message.content === 'string' ? message.content : null,
    content_parts: parts,
    created_at: createdAt,
    metadata,
  }
}

async function shiftToNow(file: string, now: Date): Promise<number> {
  let newest = Number.NEGATIVE_INFINITY
  for await (const {line, number} of readLines(file)) {
    const parsed = parseLine(line, number, new Date(0))
    if ('rows' in parsed) for (const row of parsed.rows) if (row.created_at.getTime() > newest) newest = row.created_at.getTime()
  }
  // The newest message lands a minute ago, so a --since window ending now includes it.
  return Number.isFinite(newest) ? now.getTime() - 60_000 - newest : 0
}

async function* readLines(file: string): AsyncGenerator<{line: string; number: number}> {
  const lines = readline.createInterface({input: createReadStream(file, {encoding: 'utf8'}), crlfDelay: Number.POSITIVE_INFINITY})
  let number = 0
  for await (const line of lines) {
    number += 1
    yield {line, number}
  }
}

async function assertReadable(file: string): Promise<void> {
  try {
    await fs.access(file)
  } catch {
    throw new LoopftError('INPUT_INVALID', `cannot read ${file}`, {suggestion: 'check the path'})
  }
}
