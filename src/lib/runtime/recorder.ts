import {createEmitter} from './emitter.js'
import {createBatchWriter} from './batch-writer.js'
import {lazySql, type AnySql} from './lazy-sql.js'
import {SERVED_COLUMNS, toServedRow, type ServedRequest, type ServedRow} from './served-request.js'

export type {ServedRequest} from './served-request.js'

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
  /** Messages (and, separately, served requests) held in memory at most; record() refuses beyond it. Default 10000. */
  maxQueue?: number
}

export interface RecorderEvents {
  /** A batch of messages or of served requests was written; queued counts that queue. */
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
  /** Queues one served request (router.chat does this when given the recorder); same contract as record(). */
  recordRequest(request: ServedRequest): boolean
  /** Writes everything queued so far; rejects if the database refuses (the rows stay queued). */
  flush(): Promise<void>
  /** Flushes everything, then ends the connection it opened. If the last write fails it rejects and keeps the rows: call close() again. */
  close(): Promise<void>
  /** Messages and served requests waiting to be written. */
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
 * Creates a recorder that writes chat messages into conversation_messages, and
 * the router's served requests into loopft_served_requests, in batches, off
 * the request path.
 *
 * @example
 * import {createRecorder} from 'loopft/recorder'
 *
 * const recorder = createRecorder({databaseUrl: process.env.DATABASE_URL!}, {batchSize: 200})
 * recorder.on('error', ({error}) => console.error('recorder:', error))
 * recorder.record({conversationId: 'c-42', userId: 'u-7', role: 'user', content: 'Hi!'})
 * const router = createRouter({databaseUrl: process.env.DATABASE_URL!}, {recorder}) // each router.chat is recorded too
 * process.on('SIGTERM', () => void recorder.close().then(() => process.exit(0)))
 */
export function createRecorder(target: RecorderTarget, options: RecorderOptions = {}): Recorder {
  const sql = lazySql(target, {max: 1, connect_timeout: 5})
  const events = createEmitter<RecorderEvents>()
  const writerOptions = {
    batchSize: options.batchSize ?? 500,
    maxQueue: options.maxQueue ?? 10_000,
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    listener: {
      flushed: (rows: number, queued: number) => events.emit('flush', {rows, queued}),
      failed: (error: unknown, queued: number) => events.emit('error', {error, queued}),
    },
  }
  const messages = createBatchWriter<Row>({
    ...writerOptions,
    describe: (row) => `a message of conversation ${row.conversation_id}`,
    async insert(rows) {
      const db = await sql.get()
      await db`insert into conversation_messages ${db(rows, ...COLUMNS)}`
    },
  })
  const requests = createBatchWriter<ServedRow>({
    ...writerOptions,
    describe: (row) => `a served request of ${row.model}`,
    async insert(rows) {
      const db = await sql.get()
      await db`insert into loopft_served_requests ${db(rows, ...SERVED_COLUMNS)}`
    },
  })
  let isClosed = false

  /** Both queues; the first failure is thrown after both had their try. */
  async function flush(): Promise<void> {
    const [messagesWritten, requestsWritten] = await Promise.allSettled([messages.flush(), requests.flush()])
    for (const outcome of [messagesWritten, requestsWritten]) if (outcome.status === 'rejected') throw outcome.reason
  }

  return {
    record(message) {
      if (isClosed) return false
      const row = toRow(message)
      if (row === undefined) {
        events.emit('error', {error: new Error('a recorded message needs a string conversationId and role, and JSON-serialisable contentParts and metadata'), queued: messages.queued})
        return false
      }
      return messages.push(row)
    },
    recordRequest(request) {
      if (isClosed) return false
      const row = toServedRow(request)
      if (row === undefined) {
        events.emit('error', {error: new Error('a served request needs model, provider, rule, an outcome of ok, fallback or error, and a latency of 0 ms or more'), queued: requests.queued})
        return false
      }
      return requests.push(row)
    },
    flush,
    async close() {
      isClosed = true
      messages.stop()
      requests.stop()
      await flush()
      await sql.end()
    },
    get queued() {
      return messages.queued + requests.queued
    },
    on: events.on,
  }
}

/** The row to insert, or undefined when the message cannot be stored (missing ids, unserialisable parts). */
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
