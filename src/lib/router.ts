import type OpenAI from 'openai'
import type {ChatCompletion, ChatCompletionCreateParamsNonStreaming} from 'openai/resources/chat/completions'
import {createEmitter} from './emitter.js'
import {lazySql, type AnySql, type LazySql} from './lazy-sql.js'
import {selectFrom, type ModelSelection, type RoutableRequest, type SelectionDefaults} from './router-selection.js'
import {INITIAL_SERVING, readServingConfig, SERVING_CHANNEL, type ServingConfig} from './serving-row.js'

export type RouterSql = AnySql

/** Where the serving row lives: a URL (the router opens and closes its own connections) or your postgres.js instance. */
export type RouterTarget = {databaseUrl: string} | {sql: RouterSql}

export interface RouterOptions {
  /** Serves text when nothing is promoted, and is the fallback for a deleted model. Default gpt-4o-mini. */
  textModel?: string
  /** Serves requests with image, audio or file parts. Default gpt-4o. */
  visionModel?: string
  /** TTL poll of the serving row, the fallback when a NOTIFY is missed. Default 5000 ms. */
  pollIntervalMs?: number
  /** LISTEN for promotions (instant swaps). Default true; set false on the embedded PGlite database, which does not deliver NOTIFY. */
  listen?: boolean
  /** Where LOOPFT_TEXT_MODEL / LOOPFT_VISION_MODEL are read, once. Default process.env. */
  env?: Record<string, string | undefined>
}

export interface RouterEvents {
  /** The serving row changed (promotion, canary, rollback). */
  swap: {from: ServingConfig; to: ServingConfig}
  /** A promoted or canary model answered 404 model_not_found; the request was retried on the text model. */
  fallback: {from: string; to: string; error: unknown}
  /** Reading the serving row or listening failed; the router keeps serving the last known model and retries. */
  error: {error: unknown; during: 'refresh' | 'listen'}
}

export type RouterChatParams = Omit<ChatCompletionCreateParamsNonStreaming, 'model'>

export interface RoutedCompletion extends ModelSelection {
  completion: ChatCompletion
  /** The model that failed with model_not_found before the fallback, else null. */
  fallbackFrom: string | null
}

export interface Router {
  /** Resolves once the serving row has been read and LISTEN is in place, or the first attempts failed (defaults in force). Never rejects. */
  ready(): Promise<void>
  /** Synchronous, no I/O, never throws. */
  selectModel(request?: RoutableRequest): ModelSelection
  /** chat.completions.create with the selected model; one retry on the text model if that model is gone. */
  chat(openai: OpenAI, params: RouterChatParams, request?: Omit<RoutableRequest, 'messages'>): Promise<RoutedCompletion>
  /** The serving row as last read. */
  readonly serving: ServingConfig
  on<E extends keyof RouterEvents>(event: E, listener: (payload: RouterEvents[E]) => void): () => void
  /** Stops polling and listening; ends the connections the router opened itself. */
  close(): Promise<void>
}

const QUERY_TIMEOUT_MS = 5_000
const FIRST_RETRY_MS = 250

/**
 * Creates the model router a chat server asks, per request, which model to call.
 *
 * @example
 * import OpenAI from 'openai'
 * import {createRouter} from 'loopft/router'
 *
 * const router = createRouter({databaseUrl: process.env.DATABASE_URL!}, {textModel: 'gpt-4o-mini'})
 * await router.ready()
 * router.on('swap', ({to}) => console.log('now serving', to.model, 'config', to.version))
 * const {completion, model, reason} = await router.chat(new OpenAI(), {messages}, {conversationId})
 * console.log(model, reason.rule) // e.g. "ft:gpt-4o-mini-2024-07-18:acme::abc123 promoted"
 */
export function createRouter(target: RouterTarget, options: RouterOptions = {}): Router {
  const env = options.env ?? process.env
  const defaults: SelectionDefaults = {
    textModel: options.textModel ?? 'gpt-4o-mini',
    visionModel: env.LOOPFT_VISION_MODEL || options.visionModel || 'gpt-4o',
    override: env.LOOPFT_TEXT_MODEL || null,
  }
  const fallbackModel = defaults.override ?? defaults.textModel
  const pollIntervalMs = options.pollIntervalMs ?? 5_000
  const sql = lazySql(target, {max: 1, connect_timeout: 5})
  const events = createEmitter<RouterEvents>()
  const refresher = createRefresher(sql, events, {pollIntervalMs, listen: options.listen ?? true})

  const selectModel = (request: RoutableRequest = {}): ModelSelection => {
    try {
      return selectFrom(refresher.serving, defaults, request)
    } catch {
      return {model: fallbackModel, reason: {rule: defaults.override === null ? 'default' : 'override', configVersion: refresher.serving.version}}
    }
  }

  return {
    ready: () => refresher.firstRead,
    selectModel,
    async chat(openai, params, request = {}) {
      const selection = selectModel({...request, messages: params.messages})
      try {
        return {...selection, completion: await openai.chat.completions.create({...params, model: selection.model}), fallbackFrom: null}
      } catch (error) {
        const isServedByLoopft = selection.reason.rule === 'promoted' || selection.reason.rule === 'canary'
        if (!isServedByLoopft || !isModelGone(error) || selection.model === fallbackModel) throw error
        events.emit('fallback', {from: selection.model, to: fallbackModel, error})
        const completion = await openai.chat.completions.create({...params, model: fallbackModel})
        return {model: fallbackModel, reason: {rule: 'default', configVersion: selection.reason.configVersion}, completion, fallbackFrom: selection.model}
      }
    },
    get serving() {
      return refresher.serving
    },
    on: events.on,
    async close() {
      await refresher.stop()
      await sql.end()
    },
  }
}

/** 404 with code model_not_found, from the SDK's NotFoundError (duck-typed: the router does not load openai). */
function isModelGone(error: unknown): boolean {
  const candidate = error as {status?: unknown; code?: unknown} | null
  return candidate?.status === 404 && candidate.code === 'model_not_found'
}

/**
 * Keeps `serving` fresh: a read on start, on every NOTIFY and on every
 * (re)LISTEN, and a TTL poll. A failed read keeps the last known row and
 * retries with backoff; after recovering, or when the poll finds a change
 * that no NOTIFY announced, it LISTENs again (postgres.js gives up
 * re-listening after an outage).
 */
function createRefresher(sql: LazySql, events: ReturnType<typeof createEmitter<RouterEvents>>, options: {pollIntervalMs: number; listen: boolean}) {
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
