import OpenAI, {type ClientOptions} from 'openai'
import {startOpenAIStandin, type Standin, type StandinOptions} from './openai-standin/index.js'

export interface OpenAIStandinHandle {
  /** The running stand-in (filled in by the before hook). */
  readonly standin: Standin
  /** An official SDK client pointed at the stand-in; retries wait little because faults send retry-after-ms. */
  client(options?: ClientOptions): OpenAI
  /** Environment for a subprocess (the CLI) that should talk to the stand-in. */
  env(): {OPENAI_BASE_URL: string; OPENAI_API_KEY: string}
}

/**
 * Mocha hooks: starts a stand-in for the enclosing describe(), resets it after each test
 * (unless `resetAfterEach: false`), closes it after.
 * @example
 *   const openai = useOpenAIStandin();
 *   it('uploads', async () => { await openai.client().files.create({ … }); openai.standin.advance(); });
 */
export function useOpenAIStandin(options: StandinOptions & {resetAfterEach?: boolean} = {}): OpenAIStandinHandle {
  const {resetAfterEach = true, ...standinOptions} = options
  let running: Standin | undefined
  before(async () => {
    running = await startOpenAIStandin(standinOptions)
  })
  afterEach(() => {
    if (resetAfterEach) running?.reset()
  })
  after(async () => {
    await running?.close()
  })
  const standin = (): Standin => {
    if (!running) throw new Error('useOpenAIStandin: the stand-in starts in a before hook; use it inside tests')
    return running
  }
  return {
    get standin() {
      return standin()
    },
    client: (clientOptions = {}) =>
      new OpenAI({apiKey: 'sk-test', baseURL: standin().baseURL, timeout: 10_000, ...clientOptions}),
    env: () => ({OPENAI_BASE_URL: standin().baseURL, OPENAI_API_KEY: 'sk-test'}),
  }
}
