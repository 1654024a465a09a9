import OpenAI from 'openai'
import type {LoopftConfig} from '../config.js'
import {LoopftError} from '../errors.js'

export interface OpenAIClientOptions {
  maxRetries?: number
  timeoutMs?: number
}

/** The one way loopft builds an SDK client: key and base URL from the validated config. */
export function createOpenAIClient(config: Pick<LoopftConfig, 'openaiApiKey' | 'openaiBaseUrl' | 'openaiOrganization'>, options: OpenAIClientOptions = {}): OpenAI {
  if (config.openaiApiKey === undefined) {
    throw new LoopftError('CONFIG_INVALID', 'OPENAI_API_KEY is not set', {
      suggestion: 'export OPENAI_API_KEY (and OPENAI_BASE_URL for another provider or the stand-in)',
    })
  }
  return new OpenAI({
    apiKey: config.openaiApiKey,
    baseURL: config.openaiBaseUrl,
    organization: config.openaiOrganization ?? null,
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 120_000,
  })
}
