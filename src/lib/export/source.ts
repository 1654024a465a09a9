import type {Readable} from 'node:stream'
import type {Sql, TransactionSql} from 'postgres'
import {lastConversationStart} from './copy-text.js'
import {isPlainText, sanitizeText} from './text.js'
import type {TrainingRole} from './examples.js'

export interface SourceRow {
  conversation_id: string
  user_id: string | null
  role: string
  content: string | null
  has_image: boolean
  parts_text: string | null
}

export interface SourceConversation {
  conversationId: string
  userIds: Set<string>
  rows: SourceRow[]
}

/**
 * What the reader hands to processing: COPY text of whole conversations (read
 * on a Postgres server, passed to a worker without copying), or conversations
 * already parsed by postgres.js (the embedded default).
 */
export type SourceBatch = CopyBatch | {conversations: SourceConversation[]}

export interface CopyBatch {
  copyText: Uint8Array<ArrayBuffer>
}

const FETCH_SIZE = 5000
const BATCH_BYTES = 512 * 1024
const TRAINING_ROLES = new Set<string>(['system', 'user', 'assistant'])
const KNOWN_ROLES = new Set<string>([...TRAINING_ROLES, 'tool'])
// Anything but white space (what trim() removes), found without making a trimmed copy.
const VISIBLE = /\S/

/** The window's messages, ordered by conversation and time; image parts are flagged in SQL so their payloads never travel. */
function windowQuery(sql: TransactionSql | Sql, window: {start: Date; end: Date}, bindable: boolean) {
  // COPY takes no bind parameters: the bounds are then literals from Date objects, never from input text.
  const [start, end] = bindable ? [sql`${window.start}`, sql`${window.end}`] : [sql.unsafe(`'${window.start.toISOString()}'`), sql.unsafe(`'${window.end.toISOString()}'`)]
  return sql`
    select conversation_id, user_id, role, content,
      coalesce(jsonb_path_exists(content_parts, '$[*] ? (@.type == "image_url" || @.type == "input_image" || @.type == "image")'), false) as has_image,
      case when content is null and jsonb_typeof(content_parts) = 'array'
        then (select string_agg(part->>'text', E'\n') from jsonb_array_elements(content_parts) part where part->>'type' in ('text', 'input_text'))
      end as parts_text
    from conversation_messages
    where created_at >= ${start} and created_at < ${end}
    order by conversation_id, created_at, id`
}

/**
 * Reads the window with COPY … TO STDOUT on its own connection of a Postgres
 * server and yields about BATCH_BYTES of whole conversations at a time, as raw
 * COPY text: rows are never parsed on this thread, and memory holds a batch
 * and one conversation, whatever the number of rows.
 */
export async function* streamCopyBatches(sql: Sql, window: {start: Date; end: Date}): AsyncGenerator<CopyBatch> {
  // JIT compiling the query delays its first row and makes the whole no faster (docs/performance.md).
  await sql`set jit = off`
  const readable = (await sql`copy (${windowQuery(sql, window, false)}) to stdout`.readable()) as Readable
  const assembler = new CopyBatchAssembler()
  // 'data' events rather than async iteration: the iterator's read() concatenates every buffered row into a
  // new Buffer first, one more copy of the whole window. The stream is paused while a batch waits.
  const ready: CopyBatch[] = []
  let ended = false
  let failure: Error | undefined
  let wake = () => {}
  readable.on('data', (chunk: Buffer) => {
    const batch = assembler.add(chunk)
    if (batch === undefined) return
    ready.push(batch)
    readable.pause()
    wake()
  })
  readable.once('end', () => ((ended = true), wake()))
  readable.once('error', (error: Error) => ((failure ??= error), wake()))
  readable.once('close', () => (ended || (failure ??= new Error('the COPY stream closed before its end')), wake()))
  try {
    for (;;) {
      const batch = ready.shift()
      if (batch !== undefined) {
        yield batch
        continue
      }
      if (failure !== undefined) throw failure
      if (ended) break
      const next = new Promise<void>((resolve) => (wake = resolve))
      readable.resume()
      await next
    }
    const rest = assembler.finish()
    if (rest !== undefined) yield rest
  } finally {
    readable.destroy()
  }
}

/** Gathers COPY chunks into batches of whole conversations. */
class CopyBatchAssembler {
  // Chunks are copied into the batch at once, so no chunk object outlives a young-generation GC.
  private batch = resized(new Uint8Array(0), 0, 2 * BATCH_BYTES)
  private used = 0
  // Doubled while one conversation fills the batch, so a huge conversation is not re-scanned per chunk.
  private threshold = BATCH_BYTES

  add(chunk: Uint8Array): CopyBatch | undefined {
    if (this.used + chunk.length > this.batch.length) this.batch = resized(this.batch, this.used, 2 * (this.used + chunk.length))
    this.batch.set(chunk, this.used)
    this.used += chunk.length
    if (this.used < this.threshold) return undefined
    const cut = lastConversationStart(Buffer.from(this.batch.buffer, 0, this.used))
    if (cut === 0) {
      this.threshold = 2 * this.used
      return undefined
    }
    const whole = this.batch.subarray(0, cut)
    this.batch = resized(this.batch.subarray(cut), this.used - cut, Math.max(2 * BATCH_BYTES, 2 * (this.used - cut)))
    this.used -= cut
    this.threshold = BATCH_BYTES
    return {copyText: whole}
  }

  finish(): CopyBatch | undefined {
    return this.used > 0 ? {copyText: this.batch.subarray(0, this.used)} : undefined
  }
}

/** The first `used` bytes of `bytes` in a new buffer of `size` bytes, an ArrayBuffer of its own that can be transferred to a worker. */
function resized(bytes: Uint8Array, used: number, size: number): Uint8Array<ArrayBuffer> {
  // Not zero-filled: every byte past `used` is written before it is read.
  const copy = Buffer.allocUnsafeSlow(size)
  copy.set(bytes.subarray(0, used))
  return copy as Uint8Array<ArrayBuffer>
}

/**
 * Reads the window through a server-side cursor inside the export's
 * transaction (the embedded default multiplexes every connection onto one
 * session, so a second connection's COPY is not an option there) and yields
 * the whole conversations of each fetch; the last one waits for the next fetch.
 */
export async function* streamCursorBatches(tx: TransactionSql, window: {start: Date; end: Date}): AsyncGenerator<SourceBatch> {
  // The planner would otherwise optimise a cursor for its first 10% of rows; export reads them all.
  await tx`set local cursor_tuple_fraction = 1`
  await tx`declare loopft_export_cursor no scroll cursor for ${windowQuery(tx, window, true)}`
  const fetchNext = () => tx<SourceRow[]>`fetch ${tx.unsafe(String(FETCH_SIZE))} from loopft_export_cursor`.execute()
  // The next fetch runs on the server while this one is being processed.
  let pending = fetchNext()
  let held: SourceRow[] = []
  for (;;) {
    const rows = await pending
    const more = rows.length === FETCH_SIZE
    if (more) pending = fetchNext()
    held = held.concat(rows)
    if (!more) break
    const cut = lastConversationIndex(held)
    if (cut === 0) continue
    yield {conversations: groupConversations(held.slice(0, cut))}
    held = held.slice(cut)
  }
  await tx`close loopft_export_cursor`
  if (held.length > 0) yield {conversations: groupConversations(held)}
}

function lastConversationIndex(rows: SourceRow[]): number {
  let index = rows.length - 1
  while (index > 0 && rows[index - 1].conversation_id === rows[index].conversation_id) index -= 1
  return index
}

/**
 * Groups rows ordered by conversation into conversations as they come: `readRows` hands each row to
 * the callback it is given, and each conversation goes to `onConversation` as soon as the next one
 * starts, so a caller can process it before more rows are decoded and its rows die young.
 */
export function eachConversation(readRows: (onRow: (row: SourceRow) => void) => void, onConversation: (conversation: SourceConversation) => void): void {
  let current: SourceConversation | undefined
  readRows((row) => {
    if (current !== undefined && current.conversationId !== row.conversation_id) {
      onConversation(current)
      current = undefined
    }
    current ??= {conversationId: row.conversation_id, userIds: new Set(), rows: []}
    current.rows.push(row)
    if (row.user_id !== null) current.userIds.add(row.user_id)
  })
  if (current !== undefined) onConversation(current)
}

/** Rows ordered by conversation (the rows of whole conversations) as conversations. */
export function groupConversations(rows: readonly SourceRow[]): SourceConversation[] {
  const conversations: SourceConversation[] = []
  eachConversation((onRow) => rows.forEach((row) => onRow(row)), (conversation) => conversations.push(conversation))
  return conversations
}

/** `plain`: the content needs no JSON escaping (isPlainText), so the line packer writes it as it is. */
export type MessageVerdict = {ok: true; role: TrainingRole; content: string; sanitized: boolean; plain: boolean} | {ok: false; reason: string}

/** Decides whether a stored message can enter training, and cleans its text. */
export function admitMessage(row: SourceRow): MessageVerdict {
  if (!KNOWN_ROLES.has(row.role)) return {ok: false, reason: 'unknown_role'}
  if (row.role === 'tool') return {ok: false, reason: 'tool_message'}
  if (row.has_image) return {ok: false, reason: 'image_message'}
  const raw = row.content ?? row.parts_text
  if (raw === null || !VISIBLE.test(raw)) return {ok: false, reason: 'empty_content'}
  // Most messages: nothing to sanitise or escape, decided by one scan instead of three.
  if (isPlainText(raw)) return {ok: true, role: row.role as TrainingRole, content: raw, sanitized: false, plain: true}
  const clean = sanitizeText(raw)
  if (!VISIBLE.test(clean)) return {ok: false, reason: 'empty_content'}
  return {ok: true, role: row.role as TrainingRole, content: clean, sanitized: clean !== raw, plain: false}
}
