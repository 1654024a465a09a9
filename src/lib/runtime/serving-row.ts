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
}

/** What the chat app serves. `model: null` means the router's default text model. */
export interface ServingConfig {
  model: string | null
  canary: CanaryConfig | null
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
  const record = (typeof value === 'object' && value !== null ? value : {}) as {model?: unknown; canary?: {model?: unknown; percent?: unknown} | null}
  const model = typeof record.model === 'string' && record.model !== '' ? record.model : null
  const canary = record.canary
  const percent = Number(canary?.percent)
  const isCanary = typeof canary?.model === 'string' && canary.model !== '' && percent > 0 && percent < 100
  return {model, canary: isCanary ? {model: canary.model as string, percent} : null, version}
}
