import type {TransactionSql} from 'postgres'
import type {Sql} from '../db/connection.js'

/**
 * The sha256 (of the JSONL line with its newline, the loopft_examples key) of
 * every example a reviewer rejected. Export and tune load them once per run and
 * leave those lines out; they are few (a sample's worth per review).
 */
export async function loadRejectedLines(sql: Sql | TransactionSql): Promise<Set<string>> {
  const rows = await sql<{sha256: string}[]>`select sha256 from loopft_review_decisions where decision = 'reject'`
  return new Set(rows.map((row) => row.sha256))
}
