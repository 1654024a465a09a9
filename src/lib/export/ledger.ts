import type {TransactionSql} from 'postgres'
import type {Sql} from '../db/connection.js'

export interface PendingFile {
  temp: string
  final: string
}

export interface ExportRunRecord {
  id: number
  status: 'running' | 'succeeded' | 'failed' | 'interrupted'
  windowStart: string
  windowEnd: string
  startedAt: string
  finishedAt: string | null
  outDir: string
  dailyFile: string | null
  dailyFiles: string[]
  dailyBytes: number
  dailySha256: string | null
  masterFiles: string[]
  messagesRead: number
  conversations: number
  examplesWritten: number
  examplesDuplicate: number
  redactions: Record<string, number>
  skipped: Record<string, number>
  verifyFindings: number
  error: string | null
}

/** Starts (or restarts, for the same window) a run row, committed so status can see it. */
export async function startRun(sql: Sql, window: {start: Date; end: Date}, outDir: string): Promise<number> {
  const key = `export:${window.start.toISOString()}:${window.end.toISOString()}`
  const [row] = await sql<{id: string}[]>`
    insert into loopft_export_runs (idempotency_key, status, window_start, window_end, out_dir)
    values (${key}, 'running', ${window.start}, ${window.end}, ${outDir})
    on conflict (idempotency_key) do update set status = 'running', started_at = now(), finished_at = null, error = null, out_dir = excluded.out_dir
    returning id`
  return Number(row.id)
}

/**
 * Runs still 'running' when the export lock is free belong to processes that
 * died: marked 'interrupted' so status stops showing them as in progress.
 */
export async function markInterruptedRuns(sql: Sql): Promise<number> {
  const rows = await sql`
    update loopft_export_runs set status = 'interrupted', finished_at = clock_timestamp(), error = 'the process ended before the run finished (killed, or the machine stopped)'
    where status = 'running' returning id`
  return rows.count
}

// clock_timestamp(), not now(): now() is the transaction's start, which would make every run look instant.
export async function failRun(sql: Sql, id: number, message: string, counts?: {verifyFindings?: number}): Promise<void> {
  await sql`
    update loopft_export_runs set status = 'failed', finished_at = clock_timestamp(), error = ${message},
      verify_findings = ${counts?.verifyFindings ?? 0}
    where id = ${id}`
}

/** Runs whose files were committed but not all renamed into place (a crash in between). */
export async function findPendingFiles(sql: Sql): Promise<Array<{id: number; files: PendingFile[]}>> {
  const rows = await sql<{id: string; pending_files: PendingFile[]}[]>`
    select id, pending_files from loopft_export_runs where pending_files is not null order by id`
  return rows.map((row) => ({id: Number(row.id), files: row.pending_files}))
}

/** Examples of a run whose users were forgotten after it committed: sha256 of their lines. */
export async function forgottenExamplesOfRun(sql: Sql, id: number): Promise<Set<string>> {
  const rows = await sql<{sha256: string}[]>`
    select e.sha256 from loopft_examples e
    where e.export_run_id = ${id}
      and exists (select 1 from loopft_tombstones t join loopft_export_runs r on r.id = ${id} where t.forgotten_at >= r.started_at)
      and exists (select 1 from unnest(e.user_ids) as u(user_id) join loopft_tombstones t on t.user_hash = encode(sha256(convert_to(u.user_id, 'UTF8')), 'hex'))`
  return new Set(rows.map((row) => row.sha256))
}

export async function deleteExamples(sql: Sql, hashes: ReadonlySet<string>): Promise<void> {
  if (hashes.size > 0) await sql`delete from loopft_examples where sha256 = any(${[...hashes]})`
}

export async function clearPendingFiles(sql: Sql, id: number): Promise<void> {
  await sql`update loopft_export_runs set pending_files = null where id = ${id}`
}

export async function lastSucceededWindowEnd(sql: Sql): Promise<Date | undefined> {
  const [row] = await sql<{window_end: Date}[]>`
    select window_end from loopft_export_runs where status = 'succeeded' order by window_end desc limit 1`
  return row?.window_end
}

/** Another succeeded run (another window) that already wrote this daily file name. */
export async function dailyFileTakenByOtherRun(sql: Sql | TransactionSql, dailyFile: string, runId: number): Promise<boolean> {
  const [row] = await sql`
    select 1 from loopft_export_runs where ${dailyFile} = any(daily_files) and status = 'succeeded' and id <> ${runId} limit 1`
  return row !== undefined
}

export async function readRun(sql: Sql, id: number): Promise<ExportRunRecord> {
  const [row] = await sql<RunRow[]>`select * from loopft_export_runs where id = ${id}`
  return toRecord(row)
}

/** The latest runs by window end, newest first (loopft status). */
export async function recentRuns(sql: Sql, limit: number): Promise<ExportRunRecord[]> {
  const rows = await sql<RunRow[]>`select * from loopft_export_runs order by window_end desc, id desc limit ${limit}`
  return rows.map(toRecord)
}

interface RunRow {
  id: string
  status: ExportRunRecord['status']
  window_start: Date
  window_end: Date
  started_at: Date
  finished_at: Date | null
  out_dir: string
  daily_file: string | null
  daily_bytes: string | null
  daily_sha256: string | null
  master_files: string[]
  messages_read: string
  conversations: string
  examples_written: string
  examples_duplicate: string
  redactions: Record<string, number>
  skipped: Record<string, number>
  daily_files: string[]
  verify_findings: string
  error: string | null
}

function toRecord(row: RunRow): ExportRunRecord {
  return {
    id: Number(row.id),
    status: row.status,
    windowStart: row.window_start.toISOString(),
    windowEnd: row.window_end.toISOString(),
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    outDir: row.out_dir,
    dailyFile: row.daily_file,
    dailyFiles: row.daily_files,
    dailyBytes: Number(row.daily_bytes ?? 0),
    dailySha256: row.daily_sha256,
    masterFiles: row.master_files,
    messagesRead: Number(row.messages_read),
    conversations: Number(row.conversations),
    examplesWritten: Number(row.examples_written),
    examplesDuplicate: Number(row.examples_duplicate),
    redactions: row.redactions,
    skipped: row.skipped,
    verifyFindings: Number(row.verify_findings),
    error: row.error,
  }
}
