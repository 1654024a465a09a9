import type OpenAI from 'openai'
import type Together from 'together-ai'
import type {LoopftConfig} from '../config.js'
import {LoopftError} from '../errors.js'
import {PROVIDER_NAMES, type ProviderName, type TrainingProvider} from './provider.js'

export type ProviderConfig = Pick<LoopftConfig, 'openaiApiKey' | 'openaiBaseUrl' | 'openaiOrganization' | 'azureApiKey' | 'azureBaseUrl'
  | 'nebiusApiKey' | 'nebiusBaseUrl' | 'togetherApiKey' | 'togetherBaseUrl'>

export interface ClientOptions {
  maxRetries?: number
  timeoutMs?: number
}

/** The variable that holds a provider's key (`NEBIUS_API_KEY`). */
export function apiKeyVariable(provider: ProviderName): string {
  return `${provider.toUpperCase()}_API_KEY`
}

const NEBIUS_DEFAULT_BASE_URL = 'https://api.tokenfactory.nebius.com/v1/'

/**
 * The OpenAI-shaped client of a provider: its chat API (every provider serves
 * OpenAI's chat completions) and, for openai, azure and nebius, its files and
 * fine-tuning routes. Keys and base URLs come from the validated config.
 */
export async function createChatClient(config: ProviderConfig, provider: ProviderName, options: ClientOptions = {}): Promise<OpenAI> {
  const {default: OpenAIClient} = await import('openai')
  const common = {maxRetries: options.maxRetries ?? 2, timeout: options.timeoutMs ?? 120_000}
  if (provider === 'openai') {
    return new OpenAIClient({apiKey: required(config.openaiApiKey, 'OPENAI_API_KEY'), baseURL: config.openaiBaseUrl, organization: config.openaiOrganization ?? null, ...common})
  }
  if (provider === 'azure') {
    // Azure's v1 routes take the key in an api-key header; the SDK's bearer header is harmless beside it.
    const apiKey = required(config.azureApiKey, 'AZURE_API_KEY')
    return new OpenAIClient({apiKey, baseURL: required(config.azureBaseUrl, 'AZURE_BASE_URL'), defaultHeaders: {'api-key': apiKey}, ...common})
  }
  if (provider === 'nebius') {
    return new OpenAIClient({apiKey: required(config.nebiusApiKey, 'NEBIUS_API_KEY'), baseURL: config.nebiusBaseUrl ?? NEBIUS_DEFAULT_BASE_URL, ...common})
  }
  if (provider !== 'together') throw new LoopftError('CONFIG_INVALID', `unknown provider "${String(provider)}"`, {suggestion: 'use openai, azure, nebius or together'})
  // Together serves OpenAI's chat completions at its own base URL.
  return new OpenAIClient({apiKey: required(config.togetherApiKey, 'TOGETHER_API_KEY'), baseURL: config.togetherBaseUrl ?? 'https://api.together.xyz/v1', ...common})
}

/**
 * A chat client for every provider whose key is set: the map router.chat takes
 * to serve models of several providers.
 */
export async function createChatClients(config: ProviderConfig, options: ClientOptions = {}): Promise<Partial<Record<ProviderName, OpenAI>>> {
  const keys: Record<ProviderName, string | undefined> = {openai: config.openaiApiKey, azure: config.azureApiKey, nebius: config.nebiusApiKey, together: config.togetherApiKey}
  const clients: Partial<Record<ProviderName, OpenAI>> = {}
  for (const provider of PROVIDER_NAMES as readonly ProviderName[]) if (keys[provider] !== undefined) clients[provider] = await createChatClient(config, provider, options)
  return clients
}

/** The together-ai SDK client, loaded on first use. */
export async function createTogetherClient(config: ProviderConfig, options: ClientOptions = {}): Promise<Together> {
  const apiKey = required(config.togetherApiKey, 'TOGETHER_API_KEY')
  const {default: TogetherClient} = await import('together-ai')
  return new TogetherClient({apiKey, baseURL: config.togetherBaseUrl, maxRetries: options.maxRetries ?? 2, timeout: options.timeoutMs ?? 120_000})
}

/** The training provider `--provider` / LOOPFT_PROVIDER names, each over its maintained SDK. */
export async function createTrainingProvider(config: ProviderConfig, provider: ProviderName, options: ClientOptions & {filePollMs?: number} = {}): Promise<TrainingProvider> {
  if (provider === 'together') {
    const {createTogetherProvider} = await import('./together-provider.js')
    return createTogetherProvider(await createTogetherClient(config, options), options)
  }
  const {createOpenAIProvider} = await import('./openai-provider.js')
  const client = await createChatClient(config, provider, options)
  const deployer = provider === 'nebius' ? (await import('./nebius-deploy.js')).nebiusCustomModels(client)
    : provider === 'azure' ? (await import('./azure-deploy.js')).azureDeployments(client.baseURL) : undefined
  return createOpenAIProvider(client, {...options, name: provider, carriesMetadata: provider === 'openai', deployer})
}

function required(value: string | undefined, variable: string): string {
  if (value === undefined) {
    throw new LoopftError('CONFIG_INVALID', `${variable} is not set`, {suggestion: `export ${variable} (see docs/providers.md)`})
  }
  return value
}
