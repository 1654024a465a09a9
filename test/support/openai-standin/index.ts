import type {AddressInfo} from 'node:net'
import {chatRoutes, type ChatBehaviour} from './chat.js'
import {createFaults, type FaultSpec} from './faults.js'
import {fileRoutes} from './files.js'
import {jobObject, jobRoutes} from './jobs.js'
import {driveJob, isTerminal, stepJob} from './lifecycle.js'
import {modelRoutes} from './models.js'
import {createStandinServer, type RequestRecord} from './server.js'
import {createStore, type JobStatus, type Store, type StoredJob} from './state.js'

export type {ChatBehaviour, ChatMessage, ResponseFormat} from './chat.js'
export type {FaultKind, FaultSpec} from './faults.js'
export type {RequestRecord} from './server.js'
export type {JobStatus} from './state.js'

export interface StandinOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0: an ephemeral port. */
  port?: number
  /** When set, only this key is accepted (others get 401 invalid_api_key). Default: any key. */
  apiKey?: string | null
  /** `org-…` id and the slug that goes into model names. */
  organization?: {id: string; slug: string}
  /** Each `GET /fine_tuning/jobs/{id}` first moves that job one step. */
  advanceOnPoll?: boolean
  /** Every this many ms, every job moves one step. */
  autoAdvanceMs?: number | null
  /** Force one of the three "no error" forms of a healthy job; by default they rotate per job. */
  jobErrorForm?: StoredJob['errorForm']
}

export interface Standin {
  /** e.g. `http://127.0.0.1:41234/v1`: give it to the SDK as `baseURL` or `OPENAI_BASE_URL`. */
  readonly baseURL: string
  /** Every request received, oldest first. */
  readonly requests: RequestRecord[]
  /** The in-memory state, for assertions. */
  readonly store: Store
  /** Moves every unfinished job `steps` statuses forward. */
  advance(steps?: number): void
  /** Moves one job one step, or until `toStatus` (failed/cancelled are forced); returns the job as the API shows it. */
  advanceJob(id: string, toStatus?: JobStatus): ReturnType<typeof jobObject>
  failNextJobValidation(message?: string): void
  injectFault(fault: FaultSpec): void
  clearFaults(): void
  /** Job creation answers 403 from now on, as for an account no longer allowed to fine-tune. */
  refuseFineTuning(message?: string): void
  allowFineTuning(): void
  setApiKey(key: string | null): void
  /** How `model` answers chats; null restores the default echo. */
  setChatBehaviour(model: string, behaviour: ChatBehaviour | null): void
  setAdvanceOnPoll(enabled: boolean): void
  setAutoAdvance(ms: number | null): void
  /** Forgets all files, jobs, models, faults, requests, behaviours and policies. */
  reset(): void
  close(): Promise<void>
}

const REFUSAL =
  'This organization does not have access to fine-tuning. New fine-tuning jobs can no longer be created for this account.'

/**
 * Starts a loopback stand-in for the OpenAI API (files, fine-tuning jobs, models, chat completions).
 * @example
 *   const standin = await startOpenAIStandin();
 *   const client = new OpenAI({ apiKey: 'sk-test', baseURL: standin.baseURL });
 */
export async function startOpenAIStandin(options: StandinOptions = {}): Promise<Standin> {
  const store = createStore(options.organization ?? {id: 'org-standin', slug: 'standin-org'})
  const faults = createFaults()
  const requests: RequestRecord[] = []
  const behaviours = new Map<string, ChatBehaviour>()
  let apiKey = options.apiKey ?? null
  let advanceOnPoll = options.advanceOnPoll ?? false
  let timer: NodeJS.Timeout | undefined

  const advance = (steps = 1) => {
    for (let i = 0; i < steps; i++) {
      for (const job of store.jobs.values()) if (!isTerminal(job)) stepJob(store, job)
    }
  }
  const setAutoAdvance = (ms: number | null) => {
    clearInterval(timer)
    timer = ms ? setInterval(() => advance(), ms).unref() : undefined
  }
  setAutoAdvance(options.autoAdvanceMs ?? null)

  const server = createStandinServer({
    routes: [
      ...fileRoutes(store),
      ...jobRoutes(store, {
        errorForm: options.jobErrorForm,
        onRetrieve: (job) => {
          if (advanceOnPoll) stepJob(store, job)
        },
      }),
      ...modelRoutes(store),
      ...chatRoutes(store, behaviours),
    ],
    faults,
    requests,
    organization: store.org.slug,
    apiKey: () => apiKey,
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const {address, port} = server.address() as AddressInfo

  return {
    baseURL: `http://${address}:${port}/v1`,
    requests,
    store,
    advance,
    advanceJob(id, toStatus) {
      const job = store.jobs.get(id)
      if (!job) throw new Error(`The stand-in has no job ${id}`)
      driveJob(store, job, toStatus)
      return jobObject(store, job)
    },
    failNextJobValidation(message = 'The training file failed validation.') {
      store.forcedValidationFailures.push(message)
    },
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    refuseFineTuning(message = REFUSAL) {
      store.fineTuningRefusal = message
    },
    allowFineTuning() {
      store.fineTuningRefusal = null
    },
    setApiKey(key) {
      apiKey = key
    },
    setChatBehaviour(model, behaviour) {
      if (behaviour) behaviours.set(model, behaviour)
      else behaviours.delete(model)
    },
    setAdvanceOnPoll(enabled) {
      advanceOnPoll = enabled
    },
    setAutoAdvance,
    reset() {
      store.clear()
      faults.clear()
      requests.length = 0
      behaviours.clear()
      apiKey = options.apiKey ?? null
      advanceOnPoll = options.advanceOnPoll ?? false
      setAutoAdvance(options.autoAdvanceMs ?? null)
    },
    async close() {
      setAutoAdvance(null)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
