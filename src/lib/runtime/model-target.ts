/**
 * A model at a provider, and when it stops answering. Imports nothing, so the
 * router can use it; the CLI parses its configuration with the same function.
 */
export interface ModelTarget {
  provider: string
  model: string
}

/** The providers a `provider:` prefix may name; anything else before a colon is part of the model name (`ft:…`). */
export const PROVIDER_NAMES: readonly string[] = Object.freeze(['openai', 'azure', 'nebius', 'together'])
export const DEFAULT_PROVIDER = 'openai'

/**
 * Reads `nebius:meta-llama/Meta-Llama-3.1-8B-Instruct` as `{provider: 'nebius', model: 'meta-llama/…'}`;
 * a name without a known provider prefix (`gpt-4o-mini`, `ft:gpt-4o-mini-2024-07-18:acme::abc`) is the default provider's.
 */
export function parseModelTarget(text: string, defaultProvider: string = DEFAULT_PROVIDER): ModelTarget {
  const colon = text.indexOf(':')
  const prefix = colon === -1 ? '' : text.slice(0, colon)
  return PROVIDER_NAMES.includes(prefix) ? {provider: prefix, model: text.slice(colon + 1)} : {provider: defaultProvider, model: text}
}

export function formatModelTarget(target: ModelTarget): string {
  return `${target.provider}:${target.model}`
}

/** The name that finds a model's provider again: bare at the default provider (`gpt-4o-mini`), else prefixed (`nebius:meta-llama/…`). */
export function qualifiedName(target: {model: string; provider?: string | null}): string {
  return target.provider == null || target.provider === DEFAULT_PROVIDER ? target.model : formatModelTarget({provider: target.provider, model: target.model})
}

/** One row of the catalog's shutdown dates, as the router receives them (`listShutdownDates()` in `loopft`). */
export interface ShutdownDate {
  provider: string
  /** A base model's name or alias. */
  model: string
  /** The day the base stops answering (YYYY-MM-DD), or null when none is announced. */
  shutdownDate: string | null
  /** The day the fine-tunes built on it stop answering. */
  fineTunesShutdownDate: string | null
}

/**
 * The shutdown date that applies to a target: its own as a base model, or,
 * for an OpenAI-style fine-tune `ft:<base>:<org>:<suffix>:<id>`, its base's
 * fine-tunes' date. Null when none is known.
 */
export function shutdownDateOf(dates: readonly ShutdownDate[], target: ModelTarget): string | null {
  const isFineTune = target.model.startsWith('ft:')
  const base = isFineTune ? target.model.split(':')[1] : target.model
  const row = dates.find((date) => date.provider === target.provider && date.model === base)
  if (row === undefined) return null
  return isFineTune ? row.fineTunesShutdownDate : row.shutdownDate
}

/** A model is gone from 00:00 UTC on its shutdown date. */
export function isPastShutdown(shutdownDate: string, now: Date): boolean {
  return now.getTime() >= Date.parse(`${shutdownDate}T00:00:00Z`)
}
