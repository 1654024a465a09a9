import type {Sql} from '../db/connection.js'
import type {ReviewDataset} from './sample.js'

export type Decision = 'approve' | 'reject'

export interface DecisionInput {
  sha256: string
  decision: Decision
  /** Why it was rejected: required for a rejection. */
  reason?: string
}

/** One sampled example's state, from the database alone (no file is read). */
export interface SampleEntry {
  /** 1-based, in review order. */
  position: number
  sha256: string
  /** null when the example's lineage is gone (its user was forgotten). */
  conversationId: string | null
  decision: Decision | null
  reason: string | null
  actor: string | null
  decidedAt: string | null
}

export interface ReviewProgress {
  sampleSize: number
  approved: number
  rejected: number
  /** Sampled examples still without a decision. */
  pending: number
  /** Sampled examples forgotten (loopft forget) before anyone decided: no longer part of the dataset. */
  gone: number
  /** rejected / (approved + rejected); null before the first decision. */
  rejectionRate: number | null
  /** Every sampled example still present has a decision. */
  reviewed: boolean
}

/**
 * Records decisions, with who and when. A rejection is final (its line is
 * removed from the files): a later approval of the same example changes nothing.
 * Returns how many decisions were recorded.
 */
export async function recordDecisions(sql: Sql, datasetId: string, decisions: readonly DecisionInput[], actor: string): Promise<number> {
  if (decisions.length === 0) return 0
  const rows = decisions.map((input) => ({sha256: input.sha256, decision: input.decision, reason: input.decision === 'reject' ? input.reason ?? null : null}))
  const result = await sql`
    insert into loopft_review_decisions (sha256, decision, reason, dataset_id, actor)
    select sha256, decision, reason, ${datasetId}, ${actor}
    from jsonb_to_recordset(${sql.json(rows as never)}) as d (sha256 text, decision text, reason text)
    on conflict (sha256) do update set decision = excluded.decision, reason = excluded.reason, dataset_id = excluded.dataset_id, actor = excluded.actor, decided_at = now()
    where loopft_review_decisions.decision = 'approve'`
  return result.count
}

/** The sample in review order with each example's decision. */
export async function readSample(sql: Sql, dataset: ReviewDataset): Promise<SampleEntry[]> {
  const rows = await sql<{position: string; sha256: string; conversation_id: string | null; decision: Decision | null; reason: string | null; actor: string | null; decided_at: Date | null}[]>`
    select s.position, s.sha256, e.conversation_id, d.decision, d.reason, d.actor, d.decided_at
    from unnest(${dataset.sample}::text[]) with ordinality as s (sha256, position)
    left join loopft_review_decisions d on d.sha256 = s.sha256
    left join loopft_examples e on e.sha256 = s.sha256
    order by s.position`
  return rows.map((row) => ({
    position: Number(row.position), sha256: row.sha256, conversationId: row.conversation_id,
    decision: row.decision, reason: row.reason, actor: row.actor, decidedAt: row.decided_at?.toISOString() ?? null,
  }))
}

export function progressOf(entries: readonly SampleEntry[]): ReviewProgress {
  const count = (test: (entry: SampleEntry) => boolean) => entries.filter(test).length
  const approved = count((entry) => entry.decision === 'approve')
  const rejected = count((entry) => entry.decision === 'reject')
  const gone = count((entry) => entry.decision === null && entry.conversationId === null)
  const pending = entries.length - approved - rejected - gone
  const decided = approved + rejected
  return {sampleSize: entries.length, approved, rejected, pending, gone, rejectionRate: decided === 0 ? null : rejected / decided, reviewed: pending === 0 && decided > 0}
}
