import type {Emitter} from './emitter.js'
import type {LazySql} from './lazy-sql.js'
import type {RouterEvents} from './router.js'
import {INITIAL_SERVING, readServingConfig, SERVING_CHANNEL, type ServingConfig} from './serving-row.js'

const QUERY_TIMEOUT_MS = 5_000
const FIRST_RETRY_MS = 250

/**
 * Keeps `serving` fresh: a read on start, on every NOTIFY and on every
 * (re)LISTEN, and a TTL poll. A failed read keeps the last known row and
 * retries with backoff; after recovering, or when the poll finds a change
 * that no NOTIFY announced, it LISTENs again (postgres.js gives up
 * re-listening after an outage).
 */
export function createRefresher(sql: LazySql, events: Emitter<RouterEvents>, options: {pollIntervalMs: number; listen: boolean}) {
  let serving: ServingConfig = INITIAL_SERVING
  let isClosed = false
  let isListening = false
  let isFailing = false
  let isPending = false
  let wasNotified = false
  let hasRead = false
  let running: Promise<void> | null = null
  let timer: NodeJS.Timeout | undefined
  let retryMs = FIRST_RETRY_MS
  let unlisten: (() => Promise<void>) | undefined
  let listening: Promise<void> | null = null

  const request = (): Promise<void> => {
    isPending = true
    running ??= drain().finally(() => {
      running = null
    })
    return running
  }

  async function drain(): Promise<void> {
    while (isPending && !isClosed) {
      isPending = false
      await readOnce()
    }
    schedule()
  }

  async function readOnce(): Promise<void> {
    try {
      const announced = wasNotified
      wasNotified = false
      const next = await withTimeout(sql.get().then(readServingConfig), QUERY_TIMEOUT_MS)
      const hasChanged = next.version !== serving.version
      // A change no NOTIFY announced: the listening connection may be gone.
      if (hasChanged && !announced && hasRead) isListening = false
      hasRead = true
      if (hasChanged) {
        const from = serving
        serving = next
        events.emit('swap', {from, to: next})
      }
      isFailing = false
      retryMs = FIRST_RETRY_MS
      if (!isListening) void listen()
    } catch (error) {
      isFailing = true
      isListening = false
      events.emit('error', {error, during: 'refresh'})
    }
  }

  function listen(): Promise<void> {
    if (!options.listen || isClosed) return Promise.resolve()
    if (listening !== null) return listening
    listening = (async () => {
      try {
        await unlisten?.().catch(() => {})
        const result = await (await sql.get()).listen(SERVING_CHANNEL, () => {
          wasNotified = true
          void request()
        }, () => {
          isListening = true
          wasNotified = true
          void request()
        })
        unlisten = result.unlisten
      } catch (error) {
        isListening = false
        events.emit('error', {error, during: 'listen'})
      }
    })().finally(() => {
      listening = null
    })
    return listening
  }

  function schedule(): void {
    clearTimeout(timer)
    if (isClosed) return
    const delay = isFailing ? retryMs : options.pollIntervalMs
    if (isFailing) retryMs = Math.min(retryMs * 2, options.pollIntervalMs)
    timer = setTimeout(() => void request(), delay)
    timer.unref()
  }

  const firstRead = Promise.all([request(), listen()]).then(() => {})

  return {
    firstRead,
    get serving() {
      return serving
    },
    async stop(): Promise<void> {
      isClosed = true
      clearTimeout(timer)
      await Promise.allSettled([running, listening])
      await withTimeout(unlisten?.() ?? Promise.resolve(), 1_000).catch(() => {})
    },
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer from the database within ${ms} ms`), {code: 'ETIMEDOUT'})), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
