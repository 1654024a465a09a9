import type postgres from 'postgres'

/**
 * The serving row shared by the CLI (which writes it) and the router (which
 * reads it). Imports nothing at run time, so `loopft/router` stays lean.
 */
export const SERVING_CHANNEL = 'loopft_serving'
export const SERVING_KEY = 'serving'

export interface CanaryConfig {
  model: string
  /** Share of conversations, 0 < percent < 100 (fractions allowed). */
  percent: number
  /** Where the canary is served; absent = OpenAI. */
  provider?: string
}

/** A model and where it is served. */
export interface ServedModel {
  model: string
  provider?: string
}

/**
 * What the chat app serves, per slot. `model: null` means the router's default
 * text model; `vision` absent, its default vision model. A slot's provider
 * (`openai`, `azure`, `nebius`, `together`) names the client that serves it;
 * absent = OpenAI.
 */
export interface ServingConfig {
  model: string | null
  provider?: string
  canary: CanaryConfig | null
  vision?: ServedModel
  /** 0 until the first promotion; +1 on every change. */
  version: number
}

export const INITIAL_SERVING: ServingConfig = Object.freeze({model: null, canary: null, version: 0})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySql = postgres.Sql<any>

export async function readServingConfig(sql: AnySql): Promise<ServingConfig> {
  const [row] = await sql<{value: unknown; version: string}[]>`select value, version from loopft_config where key = ${SERVING_KEY}`
  return row === undefined ? INITIAL_SERVING : toServingConfig(row.value, Number(row.version))
}

/** Tolerates a hand-edited row: anything malformed reads as "not set". */
export function toServingConfig(value: unknown, version: number): ServingConfig {
  type Slot = {model?: unknown; provider?: unknown}
  const record = (typeof value === 'object' && value !== null ? value : {}) as Slot & {canary?: Slot & {percent?: unknown} | null; vision?: Slot | null}
  const text = (candidate: unknown) => (typeof candidate === 'string' && candidate !== '' ? candidate : null)
  const withProvider = (slot: Slot | null | undefined) => (text(slot?.provider) === null ? {} : {provider: text(slot?.provider) as string})
  const model = text(record.model)
  const canary = record.canary
  const percent = Number(canary?.percent)
  const isCanary = text(canary?.model) !== null && percent > 0 && percent < 100
  const vision = text(record.vision?.model)
  return {
    model, ...(model === null ? {} : withProvider(record)),
    canary: isCanary ? {model: canary!.model as string, percent, ...withProvider(canary)} : null,
    ...(vision === null ? {} : {vision: {model: vision, ...withProvider(record.vision)}}),
    version,
  }
}
