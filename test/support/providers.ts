import OpenAI from 'openai'
import Together from 'together-ai'
import {startAzureStandin, type AzureStandin} from './azure-standin.js'
import {startNebiusStandin, type NebiusStandin} from './nebius-standin.js'
import {startTogetherStandin, type TogetherStandin} from './together-standin.js'

export interface NebiusStandinHandle {
  readonly standin: NebiusStandin
  /** The openai SDK pointed at the stand-in, as loopft builds it for --provider nebius. */
  client(options?: {maxRetries?: number}): OpenAI
  env(): {NEBIUS_BASE_URL: string; NEBIUS_API_KEY: string}
}

/** Mocha hooks: a Nebius stand-in for the enclosing describe(), reset after each test. */
export function useNebiusStandin(options: {advanceOnPoll?: boolean} = {}): NebiusStandinHandle {
  let running: NebiusStandin | undefined
  before(async () => {
    running = await startNebiusStandin(options)
  })
  afterEach(() => running?.reset())
  after(async () => running?.close())
  const standin = () => {
    if (running === undefined) throw new Error('useNebiusStandin: the stand-in starts in a before hook')
    return running
  }
  return {
    get standin() {
      return standin()
    },
    client: (options = {}) => new OpenAI({apiKey: 'nb-test', baseURL: standin().baseURL, timeout: 10_000, maxRetries: options.maxRetries ?? 0}),
    env: () => ({NEBIUS_BASE_URL: standin().baseURL, NEBIUS_API_KEY: 'nb-test'}),
  }
}

export interface TogetherStandinHandle {
  readonly standin: TogetherStandin
  /** The together-ai SDK pointed at the stand-in. */
  client(options?: {maxRetries?: number}): Together
  env(): {TOGETHER_BASE_URL: string; TOGETHER_API_KEY: string}
}

/** Mocha hooks: a Together stand-in for the enclosing describe(), reset after each test. */
export function useTogetherStandin(options: {advanceOnPoll?: boolean} = {}): TogetherStandinHandle {
  let running: TogetherStandin | undefined
  before(async () => {
    running = await startTogetherStandin(options)
  })
  afterEach(() => running?.reset())
  after(async () => running?.close())
  const standin = () => {
    if (running === undefined) throw new Error('useTogetherStandin: the stand-in starts in a before hook')
    return running
  }
  return {
    get standin() {
      return standin()
    },
    client: (options = {}) => new Together({apiKey: 'tg-test', baseURL: standin().baseURL, timeout: 10_000, maxRetries: options.maxRetries ?? 0}),
    env: () => ({TOGETHER_BASE_URL: standin().baseURL, TOGETHER_API_KEY: 'tg-test'}),
  }
}

export interface AzureStandinHandle {
  readonly standin: AzureStandin
  /** The openai SDK pointed at the stand-in with the key in `api-key`, as loopft builds it for --provider azure. */
  client(options?: {maxRetries?: number}): OpenAI
  env(): {AZURE_BASE_URL: string; AZURE_API_KEY: string}
}

/** Mocha hooks: an Azure OpenAI stand-in for the enclosing describe(), reset after each test. */
export function useAzureStandin(options: {advanceOnPoll?: boolean} = {}): AzureStandinHandle {
  let running: AzureStandin | undefined
  before(async () => {
    running = await startAzureStandin({...options, apiKey: 'az-test'})
  })
  afterEach(() => running?.reset())
  after(async () => running?.close())
  const standin = () => {
    if (running === undefined) throw new Error('useAzureStandin: the stand-in starts in a before hook')
    return running
  }
  return {
    get standin() {
      return standin()
    },
    client: (options = {}) => new OpenAI({apiKey: 'az-test', baseURL: standin().baseURL, defaultHeaders: {'api-key': 'az-test'}, timeout: 10_000, maxRetries: options.maxRetries ?? 0}),
    env: () => ({AZURE_BASE_URL: standin().baseURL, AZURE_API_KEY: 'az-test'}),
  }
}
