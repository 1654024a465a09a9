import {createGoldPromptMatcher} from '../evaluation/gold-prompt.js'
import {createRedactor, type RedactOptions} from '../redact/index.js'
import type {ProcessContext} from './process.js'

/** Everything a thread needs to rebuild the processing context: plain data only, so it crosses to a worker. */
export interface ProcessSettings {
  redaction: RedactOptions
  goldKeys: string[]
  forgottenUsers: string[]
  systemPrompt?: string
  maxExampleTokens: number
}

/**
 * The context of the thread that processes batches. Its own module, so that a thread which only hands
 * batches to workers never loads the redactor's reference data (its cost: docs/performance.md).
 */
export function contextFromSettings(settings: ProcessSettings): ProcessContext {
  return {
    redactor: createRedactor(settings.redaction),
    isGoldPrompt: settings.goldKeys.length === 0 ? undefined : createGoldPromptMatcher(new Set(settings.goldKeys)),
    forgottenUsers: new Set(settings.forgottenUsers),
    systemPrompt: settings.systemPrompt,
    maxExampleTokens: settings.maxExampleTokens,
  }
}
