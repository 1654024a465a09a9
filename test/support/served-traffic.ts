import type {Sql} from '../../src/lib/db/connection.js'

/** The models of the generated traffic, each with its share of the rows (by row number modulo 20). */
export const TRAFFIC_MODELS = Object.freeze({
  promoted: 'ft:gpt-4o-mini-2024-07-18:acme:loopft:prom1',
  canary: 'ft:gpt-4o-mini-2024-07-18:acme:loopft:cana1',
  default: 'gpt-4o-mini',
  vision: 'gpt-4o',
  nebius: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
})

/**
 * Inserts `rows` served requests spread evenly over [start, end) with one
 * INSERT … SELECT over generate_series (so the rollup trigger sees them as
 * the recorder's batches would, in one statement): 11/20 promoted, 2/20
 * canary, 3/20 default (1 of them a fallback from the promoted model), 2/20
 * vision, 1/20 Nebius, 1/20 errors. Latency and tokens vary with the row
 * number, deterministically.
 */
export async function insertServedTraffic(sql: Sql, options: {start: Date; end: Date; rows: number}): Promise<void> {
  const {promoted, canary, vision, nebius} = TRAFFIC_MODELS
  await sql`
    insert into loopft_served_requests (served_at, model, provider, rule, outcome, fallback_from, error_status, latency_ms, prompt_tokens, completion_tokens)
    select ${options.start}::timestamptz + (${options.end}::timestamptz - ${options.start}::timestamptz) * ((g - 1)::float8 / ${options.rows}),
      case when m < 11 then ${promoted} when m < 13 then ${canary} when m < 16 then 'gpt-4o-mini' when m < 18 then ${vision} when m = 18 then ${nebius} else ${promoted} end,
      case when m = 18 then 'nebius' else 'openai' end,
      case when m < 11 or m = 15 or m = 19 then 'promoted' when m < 13 then 'canary' when m < 15 then 'default' when m < 18 then 'vision' else 'default' end,
      case when m = 15 then 'fallback' when m = 19 then 'error' else 'ok' end,
      case when m = 15 then ${promoted} end,
      case when m = 19 then 500 end,
      case when m = 19 then 30 else 150 + (g::bigint * 7919 % 2500)::int + (m * 40) end,
      case when m = 19 then 0 else 200 + g % 900 end,
      case when m = 19 then 0 else 50 + g % 400 end
    from generate_series(1, ${options.rows}::int) as g, lateral (select g % 20 as m) as shares`
}
