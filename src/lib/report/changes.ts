import type {Sql} from '../db/connection.js'
import type {ReportMonth} from './month.js'

export interface Change {
  action: 'promote' | 'canary' | 'rollback' | 'abort-canary'
  fromModel: string | null
  toModel: string
  canaryPercent: number | null
  reason: string | null
  actor: string
  at: string
}

/** Promotions, canaries and rollbacks of the month, with who and why, oldest first. */
export async function readChanges(sql: Sql, month: ReportMonth): Promise<Change[]> {
  const rows = await sql<{action: Change['action']; from_model: string | null; to_model: string; canary_percent: string | null; reason: string | null; actor: string; created_at: Date}[]>`
    select action, from_model, to_model, canary_percent, reason, actor, created_at from loopft_promotions
    where created_at >= ${month.start} and created_at < ${month.end} order by id`
  return rows.map((row) => ({
    action: row.action, fromModel: row.from_model, toModel: row.to_model, canaryPercent: row.canary_percent === null ? null : Number(row.canary_percent),
    reason: row.reason, actor: row.actor, at: row.created_at.toISOString(),
  }))
}
