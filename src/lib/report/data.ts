import type {Sql} from '../db/connection.js'
import type {ReportMonth} from './month.js'
import {found, missing, type Sourced} from './sourced.js'

export interface DataReport {
  /** Succeeded export runs whose window ended this month. */
  exports: Sourced<{runs: number; messages: number; examples: number; bytes: number; redactions: Record<string, number>; quarantined: number}>
  forgottenUsers: number
  archived: {files: number; bytes: number}
  prunedModels: number
}

export async function readData(sql: Sql, month: ReportMonth): Promise<DataReport> {
  const inMonth = (column: string) => sql`${sql(column)} >= ${month.start} and ${sql(column)} < ${month.end}`
  const [runs] = await sql<{runs: string; messages: string | null; examples: string | null; bytes: string | null}[]>`
    select count(*) as runs, sum(messages_read) as messages, sum(examples_written) as examples, sum(daily_bytes) as bytes
    from loopft_export_runs where status = 'succeeded' and ${inMonth('window_end')}`
  const redactions = await sql<{type: string; count: string}[]>`
    select type, sum(count::bigint) as count from loopft_export_runs, jsonb_each_text(redactions) as r(type, count)
    where status = 'succeeded' and ${inMonth('window_end')} group by type order by type`
  const [quarantined] = await sql<{count: string}[]>`select count(*) from loopft_quarantined_examples where ${inMonth('created_at')}`
  const [forgotten] = await sql<{count: string}[]>`select count(*) from loopft_tombstones where ${inMonth('forgotten_at')}`
  const [archived] = await sql<{files: string; bytes: string | null}[]>`select count(*) as files, sum(bytes) as bytes from loopft_archives where ${inMonth('archived_at')}`
  const [pruned] = await sql<{count: string}[]>`select count(*) from loopft_models where status = 'deleted' and ${inMonth('deleted_at')}`
  return {
    exports: Number(runs.runs) === 0 ? missing('no export ran this month') : found({
      runs: Number(runs.runs), messages: Number(runs.messages ?? 0), examples: Number(runs.examples ?? 0), bytes: Number(runs.bytes ?? 0),
      redactions: Object.fromEntries(redactions.map((row) => [row.type, Number(row.count)])), quarantined: Number(quarantined.count),
    }),
    forgottenUsers: Number(forgotten.count),
    archived: {files: Number(archived.files), bytes: Number(archived.bytes ?? 0)},
    prunedModels: Number(pruned.count),
  }
}
