import type {Sql} from '../db/connection.js'

/**
 * The model that served before the last promote or rollback: what `loopft
 * rollback` returns to and what prune must keep. One query for both, so they
 * never disagree (ties on config_version are broken by the later row).
 */
export async function previouslyServedModel(sql: Sql): Promise<string | null> {
  const [row] = await sql<{from_model: string | null}[]>`
    select from_model from loopft_promotions where action in ('promote', 'rollback') order by config_version desc, id desc limit 1`
  return row?.from_model ?? null
}
