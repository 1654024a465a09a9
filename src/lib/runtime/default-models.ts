import {isPastShutdown, parseModelTarget, shutdownDateOf, type ModelTarget, type ShutdownDate} from './model-target.js'
import type {SelectionDefaults} from './selection.js'

export interface DefaultModelsOptions {
  textModel?: string | ModelTarget
  visionModel?: string | ModelTarget
  shutdownDates?: readonly ShutdownDate[]
  now?: () => Date
  /** LOOPFT_DEFAULT_TEXT_MODEL, LOOPFT_VISION_MODEL and LOOPFT_TEXT_MODEL as read by settings.ts. */
  settings: {textModel?: string; visionModel?: string; textModelOverride?: string}
}

export interface DefaultModels {
  /** The defaults in force now: for each slot, the first candidate that has not shut down (else the first). */
  current(): SelectionDefaults
  /** True once the model (`provider:model`, or a bare name at OpenAI) is past its shutdown date. */
  isRetired(model: string): boolean
}

/**
 * The router's default models, re-decided against the clock on every request:
 * text from the `textModel` option, then LOOPFT_DEFAULT_TEXT_MODEL, then gpt-4o-mini;
 * vision from LOOPFT_VISION_MODEL, then the `visionModel` option, then gpt-4o.
 * A default past its shutdown date (in `shutdownDates`) gives way to the next.
 */
export function createDefaultModels(options: DefaultModelsOptions): DefaultModels {
  const now = options.now ?? (() => new Date())
  const dates = options.shutdownDates ?? []
  const known = new Map<string, string | null>()
  const shutdownOf = (target: ModelTarget): string | null => {
    const key = `${target.provider}:${target.model}`
    if (!known.has(key)) known.set(key, shutdownDateOf(dates, target))
    return known.get(key) ?? null
  }
  const isTargetRetired = (target: ModelTarget): boolean => {
    const date = shutdownOf(target)
    return date !== null && isPastShutdown(date, now())
  }
  const text = candidates([options.textModel, options.settings.textModel, 'gpt-4o-mini'])
  const vision = candidates([options.settings.visionModel, options.visionModel, 'gpt-4o'])
  const override = options.settings.textModelOverride ?? null
  const firstLive = (targets: ModelTarget[]) => targets.find((target) => !isTargetRetired(target)) ?? targets[0]

  return {
    current: () => ({textModel: firstLive(text), visionModel: firstLive(vision), override}),
    isRetired: (model) => isTargetRetired(parseModelTarget(model)),
  }
}

function candidates(values: Array<string | ModelTarget | undefined>): ModelTarget[] {
  const targets = values.filter((value) => value !== undefined).map((value) => typeof value === 'string' ? parseModelTarget(value) : value as ModelTarget)
  return targets.filter((target, index) => targets.findIndex((other) => other.provider === target.provider && other.model === target.model) === index)
}
