import {LoopftError} from '../errors.js'
import {formatModelTarget, isPastShutdown, type ModelTarget} from '../runtime/model-target.js'
import {getProviderCutoff, getRetirement, type CatalogOverrides} from './model-catalog.js'

/** Doctor fails when a model that serves (or may serve) shuts down this soon. */
export const SERVING_FAIL_DAYS = 30
/** Tune warns when the fine-tunes it would make shut down this soon. */
const TRAINING_WARN_DAYS = 60

const DAY = 86_400_000

/** A model that serves or may serve; `baseModel` (from the registry) marks a fine-tune whose name does not say its base. */
export interface ServableModel extends ModelTarget {
  baseModel?: string | null
}

export interface ModelShutdown {
  /** `provider:model`. */
  target: string
  shutdownDate: string | null
  /** Whole days until 00:00 UTC on the shutdown date, 0 or less once gone; null when none is announced. */
  daysLeft: number | null
  /** What the catalog says to move to (`nebius:meta-llama/…`), or null. */
  successor: string | null
  isFineTune: boolean
}

/**
 * When a model stops answering: a base by its own date, a fine-tune by its base's
 * fine-tunes' date (`ft:<base>:…`, or the registry's base model).
 */
export function findShutdown(model: ServableModel, now: Date, overrides?: CatalogOverrides): ModelShutdown {
  const namedBase = model.model.startsWith('ft:') ? model.model.split(':')[1] : undefined
  const base = namedBase ?? (model.baseModel != null && model.baseModel !== model.model ? model.baseModel : undefined)
  return {...shutdownOf(model.provider, base ?? model.model, base !== undefined, now, overrides), target: formatModelTarget(model)}
}

/** When the fine-tunes of a base stop answering at a provider. */
export function findFineTunesShutdown(provider: string, baseModel: string, now: Date, overrides?: CatalogOverrides): ModelShutdown {
  return shutdownOf(provider, baseModel, true, now, overrides)
}

function shutdownOf(provider: string, model: string, isFineTune: boolean, now: Date, overrides?: CatalogOverrides): ModelShutdown {
  const retirement = getRetirement(provider, model, overrides)
  const shutdownDate = isFineTune ? retirement.fineTunesShutdownDate : retirement.shutdownDate
  return {target: formatModelTarget({provider, model}), shutdownDate, daysLeft: shutdownDate === null ? null : daysUntil(shutdownDate, now), successor: retirement.successor, isFineTune}
}

/** Refuses a model that is past its shutdown date: serving it would only answer 404. */
export function assertNotRetired(model: ServableModel, now: Date, overrides?: CatalogOverrides): void {
  const shutdown = findShutdown(model, now, overrides)
  if (shutdown.shutdownDate === null || !isPastShutdown(shutdown.shutdownDate, now)) return
  throw new LoopftError('MODEL_RETIRED', `${shutdown.target} was shut down on ${shutdown.shutdownDate}`, {
    suggestion: shutdown.successor === null ? 'serve a model that is still available (see: loopft doctor)' : `train and serve a model on ${shutdown.successor} instead (see: loopft doctor)`,
    details: {shutdownDate: shutdown.shutdownDate, successor: shutdown.successor},
  })
}

/**
 * Why the provider will not train this base any more, or undefined: its cut-off
 * for new jobs, the base's own end of training there, or fine-tunes that would
 * already be shut down.
 */
export function trainingRefusal(provider: string, baseModel: string, now: Date, overrides?: CatalogOverrides): string | undefined {
  const cutoff = getProviderCutoff(provider, overrides)
  const retirement = getRetirement(provider, baseModel, overrides)
  if (cutoff !== undefined && isPastDay(cutoff.noNewJobsAfter, now)) return `${provider} accepts no new fine-tuning jobs after ${cutoff.noNewJobsAfter}`
  if (retirement.trainingEndsDate !== null && isPastDay(retirement.trainingEndsDate, now)) return `${provider} stopped fine-tuning ${baseModel} after ${retirement.trainingEndsDate}`
  const shutdown = findFineTunesShutdown(provider, baseModel, now, overrides)
  if (shutdown.shutdownDate !== null && isPastShutdown(shutdown.shutdownDate, now)) return `fine-tunes of ${baseModel} at ${provider} were shut down on ${shutdown.shutdownDate}`
  return undefined
}

/** A warning when the fine-tune about to be trained would be shut down within TRAINING_WARN_DAYS. */
export function trainingWarning(provider: string, baseModel: string, now: Date, overrides?: CatalogOverrides): string | undefined {
  const shutdown = findFineTunesShutdown(provider, baseModel, now, overrides)
  if (shutdown.daysLeft === null || shutdown.daysLeft > TRAINING_WARN_DAYS) return undefined
  const move = shutdown.successor === null ? '' : `; consider ${shutdown.successor}`
  return `fine-tunes of ${baseModel} at ${provider} shut down on ${shutdown.shutdownDate} (${shutdown.daysLeft} day(s) from now): this model would serve ${shutdown.daysLeft} day(s) at most${move}`
}

/** Whole days from now until 00:00 UTC on the date (rounded up: any part of a day left counts). */
function daysUntil(isoDate: string, now: Date): number {
  return Math.ceil((Date.parse(`${isoDate}T00:00:00Z`) - now.getTime()) / DAY)
}

/** "After" a date: from 00:00 UTC the next day. */
function isPastDay(isoDate: string, now: Date): boolean {
  return now.getTime() >= Date.parse(`${isoDate}T00:00:00Z`) + DAY
}
