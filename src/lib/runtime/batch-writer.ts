/** What a batch writer reports: a batch written, a failed write (rows kept), a row the database rejected (dropped). */
export interface BatchWriterListener {
  flushed(rows: number, queued: number): void
  failed(error: unknown, queued: number): void
}

export interface BatchWriterOptions<Row> {
  insert(rows: Row[]): Promise<void>
  /** Names a rejected row in the error (never its content). */
  describe(row: Row): string
  batchSize: number
  maxQueue: number
  flushIntervalMs: number
  listener: BatchWriterListener
}

export interface BatchWriter<Row> {
  /** Queues a row; false when the queue is full or the writer stopped. */
  push(row: Row): boolean
  flush(): Promise<void>
  /** Refuses further rows and stops the timer; flush() still writes what is queued. */
  stop(): void
  readonly queued: number
}

/**
 * A queue written to the database in batches, off the caller's path: a full
 * batch at once, a partial one after the interval, one writer at a time, a
 * failed batch kept for the next try, and a row the database refuses dropped
 * alone so that it never blocks the rest.
 */
export function createBatchWriter<Row>(options: BatchWriterOptions<Row>): BatchWriter<Row> {
  const {batchSize, listener} = options
  const queue: Row[] = []
  /** Rows taken off the queue so far: written, or dropped because the database rejected them. */
  let settled = 0
  let isStopped = false
  let writing: Promise<unknown> | null = null
  const timer = setInterval(() => void startWriting().catch(() => {}), options.flushIntervalMs)
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
        await options.insert(batch)
      } catch (error) {
        if (!isRejectedRow(error)) {
          listener.failed(error, queue.length)
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
        await options.insert([queue[0]])
        settle(1, 1)
      } catch (error) {
        if (!isRejectedRow(error)) throw error
        listener.failed(new Error(`the database rejected ${options.describe(queue[0])}; it was dropped`, {cause: error}), queue.length - 1)
        settle(1, 0)
      }
    }
  }

  /** Takes `count` rows off the head of the queue, `rows` of them written. */
  function settle(count: number, rows: number): void {
    queue.splice(0, count)
    settled += count
    if (rows > 0) listener.flushed(rows, queue.length)
  }

  return {
    push(row) {
      if (isStopped || queue.length >= options.maxQueue) return false
      queue.push(row)
      if (queue.length >= batchSize) void startWriting().catch(() => {})
      return true
    },
    async flush() {
      const target = settled + queue.length
      while (settled < target) await startWriting()
    },
    stop() {
      isStopped = true
      clearInterval(timer)
    },
    get queued() {
      return queue.length
    },
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (constraint violation): this row, not the connection, is the problem. */
function isRejectedRow(error: unknown): boolean {
  const code = (error as {code?: unknown} | null)?.code
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)
}
