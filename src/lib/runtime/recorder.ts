import {createEmitter} from './emitter.js'
import {lazySql, type AnySql} from './lazy-sql.js'

export type RecorderSql = AnySql

/** Where messages go: a URL (the recorder opens and closes its own connection) or your postgres.js instance. */
export type RecorderTarget = {databaseUrl: string} | {sql: RecorderSql}

/** One chat message, as the chat app saw it. */
export interface RecordedMessage {
  conversationId: string
  role: string
  userId?: string | null
  content?: string | null
  /** Structured content (image parts, tool calls…), stored as jsonb. */
  contentParts?: unknown
  /** Default: when record() was called. */
  createdAt?: Date
  metadata?: Record<string, unknown>
}

export interface RecorderOptions {
  /** Rows per insert; a full batch is written at once. Default 500. */
  batchSize?: number
  /** A partial batch waits at most this long; also the retry delay after a failed write. Default 1000 ms. */
  flushIntervalMs?: number
  /** Messages held in memory at most; record() refuses beyond it. Default 10000. */
  maxQueue?: number
}

export interface RecorderEvents {
  /** A batch was written. */
  flush: {rows: number; queued: number}
  /** A write failed (the rows stay queued and are retried), a message was invalid (refused), or the database rejected one message (dropped). */
  error: {error: unknown; queued: number}
}

export interface Recorder {
  /**
   * Queues a message; never throws and never waits. Returns false when the
   * message was refused: the queue is full (back-pressure: await flush() and
   * record it again, or drop it), the recorder is closed, or it lacks
   * conversationId / role.
   */
  record(message: RecordedMessage): boolean
  /** Writes everything queued so far; rejects if the database refuses (the rows stay queued). */
  flush(): Promise<void>
  /** Flushes everything, then ends the connection it opened. If the last write fails it rejects and keeps the rows: call close() again. */
  close(): Promise<void>
  /** Messages waiting to be written. */
  readonly queued: number
  on<E extends keyof RecorderEvents>(event: E, listener: (payload: RecorderEvents[E]) => void): () => void
}

interface Row {
  conversation_id: string
  user_id: string | null
  role: string
  content: string | null
  content_parts: unknown
  created_at: Date
  metadata: unknown
}

const COLUMNS = ['conversation_id', 'user_id', 'role', 'content', 'content_parts', 'created_at', 'metadata'] as const

/**
 * Creates a recorder that writes chat messages into conversation_messages in
 * batches, off the request path.
 *
 * @example
 * import {createRecorder} from 'loopft/recorder'
 *
 * const recorder = createRecorder({databaseUrl: process.env.DATABASE_URL!}, {batchSize: 200})
 * recorder.on('error', ({error}) => console.error('recorder:', error))
 * recorder.record({conversationId: 'c-42', userId: 'u-7', role: 'user', content: 'Hi!'})
 * process.on('SIGTERM', () => void recorder.close().then(() => process.exit(0)))
 */
export function createRecorder(target: RecorderTarget, options: RecorderOptions = {}): Recorder {
  const batchSize = options.batchSize ?? 500
  const maxQueue = options.maxQueue ?? 10_000
  const sql = lazySql(target, {max: 1, connect_timeout: 5})
  const events = createEmitter<RecorderEvents>()
  const queue: Row[] = []
  /** Rows taken off the queue so far: written, or dropped because the database rejected them. */
  let settled = 0
  let isClosed = false
  let writing: Promise<unknown> | null = null
  const timer = setInterval(() => void startWriting().catch(() => {}), options.flushIntervalMs ?? 1_000)
  timer.unref()

  /** One writer at a time; resolves when the queue is empty, rejects on the first failed batch. */
  function startWriting(): Promise<unknown> {
    if (queue.length === 0) return writing ?? Promise.resolve()
    writing ??= writeAll().finally(() => {
      writing = null
    })
    return writing
  }

  async function writeAll(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize)
      try {
        await insert(batch)
      } catch (error) {
        if (!isRejectedRow(error)) {
          events.emit('error', {error, queued: queue.length})
          throw error
        }
        await writeOneByOne(batch.length)
        continue
      }
      settle(batch.length, batch.length)
    }
  }

  /** A row the database refuses (a NUL byte in text, say) must not block the queue: write the batch row by row and drop the rejects. */
  async function writeOneByOne(count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      try {
        await insert([queue[0]])
        settle(1, 1)
      } catch (error) {
        if (!isRejectedRow(error)) throw error
        events.emit('error', {error: new Error(`the database rejected a message of conversation ${queue[0].conversation_id}; it was dropped`, {cause: error}), queued: queue.length - 1})
        settle(1, 0)
      }
    }
  }

  async function insert(rows: Row[]): Promise<void> {
    const db = await sql.get()
    await db`insert into conversation_messages ${db(rows, ...COLUMNS)}`
  }

  /** Takes `count` rows off the head of the queue, `rows` of them written. */
  function settle(count: number, rows: number): void {
    queue.splice(0, count)
    settled += count
    if (rows > 0) events.emit('flush', {rows, queued: queue.length})
  }

  async function flush(): Promise<void> {
    const target = settled + queue.length
    while (settled < target) await startWriting()
  }

  return {
    record(message) {
      if (isClosed || queue.length >= maxQueue) return false
      const row = toRow(message)
      if (row === undefined) {
        events.emit('error', {error: new Error('a recorded message needs a string conversationId and role, and JSON-serialisable contentParts and metadata'), queued: queue.length})
        return false
      }
      queue.push(row)
      if (queue.length >= batchSize) void startWriting().catch(() => {})
      return true
    },
    flush,
    async close() {
      isClosed = true
      clearInterval(timer)
      await flush()
      await sql.end()
    },
    get queued() {
      return queue.length
    },
    on: events.on,
  }
}

/** The row to insert, or undefined when the message cannot be stored (missing ids, unserialisable parts). */
/** SQLSTATE classes 22 (data exception) and 23 (constraint violation): this row, not the connection, is the problem. */
function isRejectedRow(error: unknown): boolean {
  const code = (error as {code?: unknown} | null)?.code
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)
}

function toRow(message: RecordedMessage): Row | undefined {
  if (typeof message?.conversationId !== 'string' || typeof message.role !== 'string') return undefined
  try {
    return {
      conversation_id: message.conversationId,
      user_id: message.userId ?? null,
      role: message.role,
      content: message.content ?? null,
      content_parts: message.contentParts === undefined || message.contentParts === null ? null : snapshot(message.contentParts),
      created_at: message.createdAt ?? new Date(),
      metadata: snapshot(message.metadata ?? {}),
    }
  } catch {
    return undefined
  }
}

/** A JSON copy taken at record() time: later changes by the caller are not stored, and what cannot be stored fails here, not in the batch. */
function snapshot(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value))
}
