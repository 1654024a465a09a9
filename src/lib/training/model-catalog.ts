import fs from 'node:fs'
import {z} from 'zod'
import {LoopftError} from '../errors.js'

/**
 * The one maintained table of base models: what loopft may fine-tune, what it
 * costs, and how long it stays available. Prices are USD per 1M tokens. Stale
 * entries are fixed here or overridden by a JSON file (LOOPFT_PRICES_FILE), never
 * by hard-coding a number elsewhere.
 */
export interface ModelInfo {
  /** The dated snapshot (aliases resolve to it). */
  name: string
  trainable: boolean
  /** Per 1M training tokens; null when the model was never trainable. */
  trainingPerMillion: number | null
  /** Per-example training context in tokens (contract §7); longer examples are truncated. */
  trainingContext: number | null
  base: {inputPerMillion: number; outputPerMillion: number}
  /** Inference on a model fine-tuned from this base; null when no fine-tuned model can exist. */
  fineTuned: {inputPerMillion: number; outputPerMillion: number} | null
  /** ISO date the provider stops serving the base (and its fine-tunes), when announced. */
  shutdownDate: string | null
  note?: string
}

export interface ProviderCutoff {
  /** ISO date after which the provider accepts no new fine-tuning jobs. */
  noNewJobsAfter: string
  note: string
}

export const PROVIDER_CUTOFFS: Readonly<Record<string, ProviderCutoff>> = Object.freeze({
  openai: {noNewJobsAfter: '2027-01-06', note: 'OpenAI is winding down self-serve fine-tuning; existing fine-tuned models keep serving until their base is shut down'},
})

const price = (inputPerMillion: number, outputPerMillion: number) => ({inputPerMillion, outputPerMillion})

const MODELS: readonly ModelInfo[] = [
  {name: 'gpt-4o-mini-2024-07-18', trainable: true, trainingPerMillion: 3, trainingContext: 65_536, base: price(0.15, 0.6), fineTuned: price(0.3, 1.2), shutdownDate: null},
  {name: 'gpt-4o-2024-08-06', trainable: true, trainingPerMillion: 25, trainingContext: 65_536, base: price(2.5, 10), fineTuned: price(3.75, 15), shutdownDate: null},
  {name: 'gpt-4.1-2025-04-14', trainable: true, trainingPerMillion: 25, trainingContext: 65_536, base: price(2, 8), fineTuned: price(3, 12), shutdownDate: null},
  {name: 'gpt-4.1-mini-2025-04-14', trainable: true, trainingPerMillion: 5, trainingContext: 65_536, base: price(0.4, 1.6), fineTuned: price(0.8, 3.2), shutdownDate: null},
  {name: 'gpt-4.1-nano-2025-04-14', trainable: true, trainingPerMillion: 1.5, trainingContext: 32_768, base: price(0.1, 0.4), fineTuned: price(0.2, 0.8), shutdownDate: null},
  {name: 'gpt-3.5-turbo-0125', trainable: false, trainingPerMillion: 8, trainingContext: 16_385, base: price(0.5, 1.5), fineTuned: price(3, 6), shutdownDate: null, note: 'retired for new fine-tuning jobs'},
]

const ALIASES: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
}

const rates = z.object({inputPerMillion: z.number().nonnegative(), outputPerMillion: z.number().nonnegative()})
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const OverridesSchema = z.object({
  models: z.record(z.string(), z.object({
    trainable: z.boolean(),
    trainingPerMillion: z.number().nonnegative().nullable(),
    trainingContext: z.number().int().positive().nullable(),
    base: rates,
    fineTuned: rates.nullable(),
    shutdownDate: isoDate.nullable(),
    note: z.string(),
  }).partial()).default({}),
  providerCutoffs: z.record(z.string(), z.object({noNewJobsAfter: isoDate, note: z.string().default('')})).default({}),
}).strict()

export type CatalogOverrides = z.infer<typeof OverridesSchema>

/** Reads and validates the overrides file (config.pricesFile); undefined path = no overrides. */
export function loadCatalogOverrides(file: string | undefined): CatalogOverrides | undefined {
  if (file === undefined) return undefined
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    throw new LoopftError('CONFIG_INVALID', `cannot read the prices file ${file}: ${(error as Error).message}`, {suggestion: 'fix or unset LOOPFT_PRICES_FILE'})
  }
  const parsed = OverridesSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new LoopftError('CONFIG_INVALID', `invalid prices file ${file}: ${issue.path.join('.')}: ${issue.message}`, {suggestion: 'see "Prices and limits" in the README'})
  }
  return parsed.data
}

/**
 * The catalog entry for a base model, an alias (`gpt-4o-mini`) or a fine-tuned
 * name (`ft:<base>:<org>:<suffix>:<id>`, priced by its base). An override may
 * patch a known model or define a new one completely.
 *
 * @example getModelInfo('ft:gpt-4o-mini-2024-07-18:acme::abc12345').fineTuned // {inputPerMillion: 0.3, outputPerMillion: 1.2}
 */
export function getModelInfo(name: string, overrides?: CatalogOverrides): ModelInfo {
  const base = name.startsWith('ft:') ? name.split(':')[1] ?? '' : name
  const snapshot = overrides?.models[base] === undefined ? ALIASES[base] ?? base : base
  const known = MODELS.find((model) => model.name === snapshot)
  const merged = {...known, ...overrides?.models[snapshot], name: snapshot}
  const complete = z.object({trainable: z.boolean(), base: rates}).safeParse(merged)
  if (!complete.success) {
    throw new LoopftError('NOT_FOUND', `model ${base} is not in the catalog of prices and limits`, {
      suggestion: 'use a listed base model, or describe it in the JSON file named by LOOPFT_PRICES_FILE',
    })
  }
  return {trainingPerMillion: null, trainingContext: null, fineTuned: null, shutdownDate: null, ...merged} as ModelInfo
}

export function getProviderCutoff(provider: string, overrides?: CatalogOverrides): ProviderCutoff | undefined {
  return overrides?.providerCutoffs[provider] ?? PROVIDER_CUTOFFS[provider]
}

/** USD to train `tokens` billable tokens (already multiplied by the epochs). */
export function trainingCost(tokens: number, model: ModelInfo): number {
  if (!model.trainable || model.trainingPerMillion === null) {
    throw new LoopftError('TRAINING_UNAVAILABLE', `${model.name} cannot be fine-tuned${model.note ? ` (${model.note})` : ''}`, {
      suggestion: 'choose another --base (see: loopft doctor)',
    })
  }
  return roundUsd((tokens * model.trainingPerMillion) / 1e6)
}

export interface TokenUsage {
  prompt_tokens: number
  completion_tokens: number
}

/** USD for one call's usage, at the base or the fine-tuned rate. */
export function inferenceCost(usage: TokenUsage, model: ModelInfo, options: {fineTuned: boolean}): number {
  const rate = options.fineTuned ? model.fineTuned : model.base
  if (rate === null) throw new LoopftError('NOT_FOUND', `no fine-tuned price for ${model.name} in the catalog`, {suggestion: 'add it to the LOOPFT_PRICES_FILE JSON'})
  return roundUsd((usage.prompt_tokens * rate.inputPerMillion + usage.completion_tokens * rate.outputPerMillion) / 1e6)
}

/** Money is kept to a millionth of a dollar so that sums of many small calls stay exact enough. */
function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6
}
