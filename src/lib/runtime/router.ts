import type OpenAI from 'openai'
import type {ChatCompletion, ChatCompletionCreateParamsNonStreaming} from 'openai/resources/chat/completions'
import {readRouterSettings} from '../settings.js'
import {createEmitter} from './emitter.js'
import {lazySql, type AnySql} from './lazy-sql.js'
import {createDefaultModels} from './default-models.js'
import type {ModelTarget, ShutdownDate} from './model-target.js'
import type {ServedRequest} from './served-request.js'
import {createRefresher} from './refresh.js'
import {selectFrom, selectTarget, splitProvider, type ModelSelection, type RoutableRequest} from './selection.js'
import type {ServingConfig} from './serving-row.js'

export type RouterSql = AnySql

/** Where the serving row lives: a URL (the router opens and closes its own connections) or your postgres.js instance. */
export type RouterTarget = {databaseUrl: string} | {sql: RouterSql}

export interface RouterOptions {
  /** Serves text when nothing is promoted, and is the fallback for a deleted or retired model; `nebius:meta-llama/…` names a provider. Default gpt-4o-mini. */
  textModel?: string | ModelTarget
  /** Serves requests with image, audio or file parts. Default gpt-4o. */
  visionModel?: string | ModelTarget
  /** The catalog's shutdown dates (`listShutdownDates()` from `loopft`): a model past its date is not chosen. Default none. */
  shutdownDates?: readonly ShutdownDate[]
  /** The clock the shutdown dates are compared with. Default the system clock. */
  now?: () => Date
  /** TTL poll of the serving row, the fallback when a NOTIFY is missed. Default 5000 ms. */
  pollIntervalMs?: number
  /** LISTEN for promotions (instant swaps). Default true; set false on the embedded PGlite database, which does not deliver NOTIFY. */
  listen?: boolean
  /** Where LOOPFT_TEXT_MODEL, LOOPFT_DEFAULT_TEXT_MODEL and LOOPFT_VISION_MODEL are read, once (settings.ts). Default: the process environment. */
  env?: Record<string, string | undefined>
  /** Where each router.chat call is recorded (model, provider, rule, outcome, latency, tokens) for `loopft report`: createRecorder from loopft/recorder. Queued, never awaited. Default none. */
  recorder?: {recordRequest(request: ServedRequest): boolean}
}

export interface RouterEvents {
  /** The serving row changed (promotion, canary, rollback). */
  swap: {from: ServingConfig; to: ServingConfig}
  /** A promoted or canary model answered 404 model_not_found; the request was retried on the default text model (perhaps at another provider). */
  fallback: {from: string; to: string; fromProvider: string; toProvider: string; error: unknown}
  /** Reading the serving row or listening failed; the router keeps serving the last known model and retries. */
  error: {error: unknown; during: 'refresh' | 'listen'}
}

export type RouterChatParams = Omit<ChatCompletionCreateParamsNonStreaming, 'model'>

/** What router.chat calls: the openai SDK's client, or any client with its chat.completions.create (each provider's is OpenAI-compatible). */
export type ChatClient = Pick<OpenAI, 'chat'>

/** One client per provider the serving row may name, e.g. `{openai, nebius}`; loopft's createChatClients builds it from the environment. */
export type ChatClients = Partial<Record<'openai' | 'azure' | 'nebius' | 'together', ChatClient>>

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
  /**
   * chat.completions.create with the selected model on its provider's client
   * (one client serves every provider when you pass a single one); one retry on
   * the default text model, at its provider, if the selected model is gone.
   */
  chat(clients: ChatClient | ChatClients, params: RouterChatParams, request?: Omit<RoutableRequest, 'messages'>): Promise<RoutedCompletion>
  /** The serving row as last read. */
  readonly serving: ServingConfig
  on<E extends keyof RouterEvents>(event: E, listener: (payload: RouterEvents[E]) => void): () => void
  /** Stops polling and listening; ends the connections the router opened itself. */
  close(): Promise<void>
}

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
 * // Models on several providers: one client each (createChatClients from 'loopft' builds them from the environment).
 * const routed = await router.chat({openai: new OpenAI(), nebius: new OpenAI({baseURL: NEBIUS_BASE_URL, apiKey: NEBIUS_API_KEY})}, {messages})
 * console.log(routed.provider, routed.model) // e.g. "nebius meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:support-ab12"
 */
export function createRouter(target: RouterTarget, options: RouterOptions = {}): Router {
  const defaultModels = createDefaultModels({...options, settings: readRouterSettings(options.env)})
  const pollIntervalMs = options.pollIntervalMs ?? 5_000
  const sql = lazySql(target, {max: 1, connect_timeout: 5})
  const events = createEmitter<RouterEvents>()
  const refresher = createRefresher(sql, events, {pollIntervalMs, listen: options.listen ?? true})

  /** Where a request goes when its model is gone: the override, else the default text model in force, each at its provider. */
  const fallback = (configVersion: number): ModelSelection => {
    const defaults = defaultModels.current()
    if (defaults.override === null || defaultModels.isRetired(defaults.override)) return selectTarget(defaults.textModel, 'default', configVersion)
    const {provider, model} = splitProvider(defaults.override)
    return {model, provider: provider ?? 'openai', reason: {rule: 'override', configVersion}}
  }

  const selectModel = (request: RoutableRequest = {}): ModelSelection => {
    const configVersion = refresher.serving.version
    try {
      const defaults = defaultModels.current()
      const selection = selectFrom(refresher.serving, defaults, request)
      const isChosenByLoopft = selection.reason.rule === 'override' || selection.reason.rule === 'canary' || selection.reason.rule === 'promoted'
      if (!isChosenByLoopft || !defaultModels.isRetired(`${selection.provider}:${selection.model}`)) return selection
      return {...selectTarget(defaults.textModel, 'retired', configVersion), reason: {rule: 'retired', configVersion, retiredModel: selection.model}}
    } catch {
      return fallback(configVersion)
    }
  }

  return {
    ready: () => refresher.firstRead,
    selectModel,
    async chat(clients, params, request = {}) {
      const startedAt = performance.now()
      const selection = selectModel({...request, messages: params.messages})
      const record = (served: Omit<ServedRequest, 'latencyMs'>, completion?: ChatCompletion) => options.recorder?.recordRequest({
        ...served, latencyMs: performance.now() - startedAt, promptTokens: completion?.usage?.prompt_tokens, completionTokens: completion?.usage?.completion_tokens,
      })
      const served = {model: selection.model, provider: selection.provider, rule: selection.reason.rule}
      let completion: ChatCompletion
      try {
        completion = await clientFor(clients, selection.provider).chat.completions.create({...params, model: selection.model})
      } catch (error) {
        const isServedByLoopft = selection.reason.rule === 'promoted' || selection.reason.rule === 'canary'
        const to = fallback(selection.reason.configVersion)
        if (!isServedByLoopft || !isModelGone(error) || (selection.model === to.model && selection.provider === to.provider)) {
          record({...served, outcome: 'error', errorStatus: statusOf(error)})
          throw error
        }
        events.emit('fallback', {from: selection.model, to: to.model, fromProvider: selection.provider, toProvider: to.provider, error})
        const retried = {model: to.model, provider: to.provider, rule: selection.reason.rule, fallbackFrom: selection.model}
        try {
          completion = await clientFor(clients, to.provider).chat.completions.create({...params, model: to.model})
        } catch (retryError) {
          record({...retried, outcome: 'error', errorStatus: statusOf(retryError)})
          throw retryError
        }
        record({...retried, outcome: 'fallback'}, completion)
        return {...to, reason: {rule: 'default', configVersion: selection.reason.configVersion}, completion, fallbackFrom: selection.model}
      }
      record({...served, outcome: 'ok'}, completion)
      return {...selection, completion, fallbackFrom: null}
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

/** The client of `provider`: a single client serves every provider; a map must hold the one asked for. */
function clientFor(clients: ChatClient | ChatClients, provider: string): ChatClient {
  if (typeof (clients as ChatClient).chat?.completions?.create === 'function') return clients as ChatClient
  const client = (clients as Record<string, ChatClient | undefined>)[provider]
  if (client === undefined) throw new Error(`loopft router: no chat client for provider "${provider}"; pass one in the clients map (createChatClients builds them from the environment)`)
  return client
}

/** The HTTP status of an SDK error (duck-typed), null when there was no response. */
function statusOf(error: unknown): number | null {
  const status = (error as {status?: unknown} | null)?.status
  return typeof status === 'number' ? status : null
}

/** 404 with code model_not_found, from the SDK's NotFoundError (duck-typed: the router does not load openai). */
function isModelGone(error: unknown): boolean {
  const candidate = error as {status?: unknown; code?: unknown} | null
  return candidate?.status === 404 && candidate.code === 'model_not_found'
}
