import type OpenAI from 'openai'
import {LoopftError} from '../errors.js'
import {toLoopftError} from '../error-translation.js'
import type {RegisteredModel} from './registry.js'

/**
 * The evaluation gate. A verdict other than 'pass', or no evaluation at all
 * (never evaluated, or not in the registry), refuses the promotion unless it
 * is forced with a reason. Returns what --force overrode, or null.
 */
export function checkGate(model: RegisteredModel | undefined, name: string, options: {force?: boolean; reason?: string}): string | null {
  if (model?.status === 'deleted') {
    throw new LoopftError('NOT_FOUND', `model ${name} was deleted`, {suggestion: 'promote another model, or see: loopft history'})
  }
  const refusal = model === undefined
    ? `model ${name} is not in the registry, so it has no evaluation`
    : model.evaluation === null
      ? `model ${name} has not been evaluated`
      : model.evaluation.verdict === 'pass'
        ? null
        : `model ${name} did not pass its evaluation (verdict: ${model.evaluation.verdict})`
  if (refusal === null) return null
  if (options.force !== true) {
    throw new LoopftError('GATE_FAILED', refusal, {suggestion: 'run loopft evaluate first, or force the change and give the reason'})
  }
  if (options.reason === undefined || options.reason.trim() === '') {
    throw new LoopftError('USAGE', `${refusal}; forcing it needs a reason`, {suggestion: 'give the reason it is safe; the history keeps it'})
  }
  return refusal
}

/**
 * Proves the model answers with the app's own key and base URL: retrieve it,
 * then one tiny chat completion. A 404 means this key cannot use the model.
 */
export async function checkReachable(openai: OpenAI, model: string, options: {retrieve?: boolean} = {}): Promise<void> {
  try {
    if (options.retrieve ?? true) await openai.models.retrieve(model)
    await openai.chat.completions.create({model, messages: [{role: 'user', content: 'Reply with OK.'}], max_completion_tokens: 5})
  } catch (error) {
    const translated = toLoopftError(error)
    if (translated.code !== 'NOT_FOUND') throw translated
    throw new LoopftError('NOT_FOUND', `model ${model} is not reachable with this API key and base URL`, {
      suggestion: 'check OPENAI_API_KEY / OPENAI_BASE_URL are the chat app\'s own, and that the model was not deleted',
      cause: error,
    })
  }
}
