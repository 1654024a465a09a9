import fs from 'node:fs'
import {z} from 'zod'
import {LoopftError} from '../errors.js'
import type {ShutdownDate} from '../runtime/model-target.js'

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
  /** Per-example training context in tokens (the provider's model page); longer examples are truncated. */
  trainingContext: number | null
  base: {inputPerMillion: number; outputPerMillion: number}
  /** Inference on a model fine-tuned from this base; null when no fine-tuned model can exist. */
  fineTuned: {inputPerMillion: number; outputPerMillion: number} | null
  /** A shutdown date set in the overrides file, for the base and its fine-tunes at every provider; the dates per provider are in RETIREMENTS (getRetirement). */
  shutdownDate: string | null
  note?: string
  /** Where this name trains and serves; absent = OpenAI (and Azure OpenAI). */
  provider?: 'nebius' | 'together'
  /** How training tokens are counted; absent = o200k (gpt-4o and gpt-4.1 families). */
  tokenizer?: Tokenizer
  /** Trained as a LoRA adapter (what Nebius serves per token and Together on an endpoint). */
  lora?: boolean
}

export type Tokenizer = 'o200k' | 'llama3'

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
  // Open models (docs/providers.md says where each figure comes from). Llama 3 counts with its own tokenizer.
  {name: 'meta-llama/Meta-Llama-3.1-8B-Instruct', provider: 'nebius', tokenizer: 'llama3', lora: true, trainable: true, trainingPerMillion: 0.4, trainingContext: 8_192,
    base: price(0.02, 0.06), fineTuned: price(0.02, 0.06), shutdownDate: null, note: 'Nebius Token Factory; LoRA fine-tunes served per token after POST /v0/models; prices from secondary notes (2026-12-02), unconfirmed: override with LOOPFT_PRICES_FILE'},
  {name: 'meta-llama/Llama-3.3-70B-Instruct', provider: 'nebius', tokenizer: 'llama3', lora: true, trainable: true, trainingPerMillion: 2.8, trainingContext: 8_192,
    base: price(0.13, 0.4), fineTuned: price(0.13, 0.4), shutdownDate: null, note: 'Nebius Token Factory; LoRA fine-tunes served per token; prices from secondary notes (2026-12-02), unconfirmed: override with LOOPFT_PRICES_FILE'},
  {name: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', provider: 'together', tokenizer: 'llama3', lora: true, trainable: true, trainingPerMillion: 0.48, trainingContext: 8_192,
    base: price(0.18, 0.18), fineTuned: price(0, 0), shutdownDate: null, note: 'Together AI LoRA SFT up to 16B; training price from a secondary note (2026-12-02), unconfirmed on Together\'s pricing page: override with LOOPFT_PRICES_FILE; fine-tunes serve on a dedicated endpoint billed per minute (its price comes from GET /hardware), not per token'},
]

const ALIASES: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
  'o4-mini': 'o4-mini-2025-04-16',
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
  retirements: z.record(z.string(), z.record(z.string(), z.object({
    shutdownDate: isoDate.nullable(),
    fineTunesShutdownDate: isoDate.nullable(),
    trainingEndsDate: isoDate.nullable(),
    successor: z.string().min(1).nullable(),
    source: z.string(),
  }).partial())).optional(),
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

/**
 * When a provider stops training a base model, stops serving it, and stops
 * serving the fine-tunes built on it (YYYY-MM-DD; a model is gone from 00:00 UTC
 * that day). `retirements.<provider>.<model>` in LOOPFT_PRICES_FILE overrides any field.
 */
export interface Retirement {
  shutdownDate: string | null
  fineTunesShutdownDate: string | null
  /** The last day this base takes new fine-tuning jobs at this provider (beside the provider-wide cut-off). */
  trainingEndsDate: string | null
  /** What to move to, provider-qualified (`nebius:meta-llama/Meta-Llama-3.1-8B-Instruct`). */
  successor: string | null
  source: string
}

const OPENAI_NOTICE = 'OpenAI shutdown notice of 2026-10-14 as mirrored by migration guides (not on its deprecations page in our copies)'
const OPENAI_DEPRECATIONS = 'OpenAI deprecations page'
const AZURE_SCHEDULE = 'Azure OpenAI retirement schedule (2026-09): existing customers train until no earlier than this date; deployments serve to about 2027-10'
const LLAMA_8B = 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct'
const LLAMA_70B = 'nebius:meta-llama/Llama-3.3-70B-Instruct'
const QWEN_VL = 'nebius:Qwen/Qwen2.5-VL-72B-Instruct'
const shutsDown = (date: string, successor: string, source: string): Retirement => ({shutdownDate: date, fineTunesShutdownDate: date, trainingEndsDate: null, successor, source})
const azureTraining = (trainingEndsDate: string, successor: string): Retirement => ({shutdownDate: null, fineTunesShutdownDate: '2027-10-01', trainingEndsDate, successor, source: AZURE_SCHEDULE})

const RETIREMENTS: Readonly<Record<string, Readonly<Record<string, Retirement>>>> = {
  openai: {
    'gpt-4o-mini-2024-07-18': shutsDown('2027-01-14', LLAMA_8B, OPENAI_NOTICE),
    'gpt-4o-2024-08-06': shutsDown('2027-01-14', QWEN_VL, OPENAI_NOTICE),
    'gpt-4o-2024-11-20': shutsDown('2027-01-14', QWEN_VL, OPENAI_NOTICE),
    'gpt-4.1-2025-04-14': shutsDown('2027-01-14', LLAMA_70B, OPENAI_NOTICE),
    'gpt-4.1-mini-2025-04-14': shutsDown('2027-01-14', LLAMA_8B, OPENAI_NOTICE),
    'gpt-4.1-nano-2025-04-14': shutsDown('2026-10-23', LLAMA_8B, OPENAI_DEPRECATIONS),
    'o4-mini-2025-04-16': shutsDown('2026-10-23', LLAMA_70B, OPENAI_DEPRECATIONS),
  },
  azure: {
    'gpt-4o-mini-2024-07-18': azureTraining('2027-04-01', LLAMA_8B),
    'gpt-4o-2024-08-06': azureTraining('2027-04-01', QWEN_VL),
    'gpt-4.1-2025-04-14': azureTraining('2027-04-14', LLAMA_70B),
    'gpt-4.1-mini-2025-04-14': azureTraining('2027-04-14', LLAMA_8B),
    'gpt-4.1-nano-2025-04-14': azureTraining('2027-04-14', LLAMA_8B),
  },
}

const aliasesOf = (snapshot: string) => Object.keys(ALIASES).filter((alias) => ALIASES[alias] === snapshot)

const NO_RETIREMENT: Retirement = Object.freeze({shutdownDate: null, fineTunesShutdownDate: null, trainingEndsDate: null, successor: null, source: 'no shutdown announced'})

/**
 * The retirement of a base model (or alias) at a provider. A `shutdownDate` set
 * on `models.<name>` in the overrides file applies at every provider, to the
 * base and its fine-tunes; `retirements.<provider>.<name>` (snapshot or alias) is more specific and wins.
 *
 * @example getRetirement('openai', 'gpt-4o-mini').fineTunesShutdownDate // '2027-01-14'
 */
export function getRetirement(provider: string, model: string, overrides?: CatalogOverrides): Retirement {
  const snapshot = ALIASES[model] ?? model
  const modelShutdown = overrides?.models[snapshot]?.shutdownDate
  const patch = modelShutdown === undefined ? {} : {shutdownDate: modelShutdown, fineTunesShutdownDate: modelShutdown, source: 'LOOPFT_PRICES_FILE'}
  const overridden = [snapshot, ...aliasesOf(snapshot)].map((name) => overrides?.retirements?.[provider]?.[name])
  return Object.assign({}, NO_RETIREMENT, RETIREMENTS[provider]?.[snapshot], patch, ...overridden)
}

/** Every known shutdown date, aliases included, in the shape the router takes (`createRouter(…, {shutdownDates})`). */
export function listShutdownDates(overrides?: CatalogOverrides): ShutdownDate[] {
  const providers = new Set([...Object.keys(RETIREMENTS), ...Object.keys(overrides?.retirements ?? {})])
  const names = (provider: string) => new Set([
    ...Object.keys(RETIREMENTS[provider] ?? {}), ...Object.keys(overrides?.retirements?.[provider] ?? {}), ...Object.keys(overrides?.models ?? {}),
  ].map((name) => ALIASES[name] ?? name))
  return [...providers].flatMap((provider) => [...names(provider)].flatMap((snapshot) => {
    const {shutdownDate, fineTunesShutdownDate} = getRetirement(provider, snapshot, overrides)
    if (shutdownDate === null && fineTunesShutdownDate === null) return []
    return [snapshot, ...aliasesOf(snapshot)].map((model) => ({provider, model, shutdownDate, fineTunesShutdownDate}))
  }))
}

/** USD to train `tokens` billable tokens (already multiplied by the epochs). */
export function trainingCost(tokens: number, model: ModelInfo): number {
  if (!model.trainable || model.trainingPerMillion === null) {
    throw new LoopftError('TRAINING_UNAVAILABLE', `${model.name} cannot be fine-tuned${model.note ? ` (${model.note})` : ''}`, {
      suggestion: 'choose another base model (LOOPFT_BASE_MODEL; see: loopft doctor)',
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
