import type {Sql} from '../db/connection.js'

/** What the chat app serves from: `text` (promoted and canary) or `vision` (requests with images). */
export type ServingSlot = 'text' | 'vision'

/**
 * The model that served a slot before its last promote or rollback: what
 * `loopft rollback` returns to and what prune must keep. One query for both, so
 * they never disagree (ties on config_version are broken by the later row).
 */
export async function previouslyServedModel(sql: Sql, slot: ServingSlot = 'text'): Promise<string | null> {
  const [row] = await sql<{from_model: string | null}[]>`
    select from_model from loopft_promotions where action in ('promote', 'rollback') and slot = ${slot} order by config_version desc, id desc limit 1`
  return row?.from_model ?? null
}
