import type {TransactionSql} from 'postgres'
import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import type {TrainingMessage} from './examples.js'
import {formatPercent} from '../format.js'
import {bump} from './counts.js'
import type {QuarantinedExample, QuarantineFind} from './quarantine.js'

/** Above this share of examples quarantined, status and doctor warn: the redactor is missing a pattern. */
export const QUARANTINE_WARN_RATE = 0.001
/** Status and doctor measure the rate over the export runs that finished in this many days. */
export const QUARANTINE_RATE_DAYS = 7
/** Examples a run names in its result; the table holds them all. */
const NAMED_IN_RESULT = 100
/** Examples a strict run keeps in memory to record after its rollback: enough to see the patterns. */
const HELD_WHEN_STRICT = 1000

/** What a run quarantined, as its result reports it: counts, and the first examples by conversation, type and offsets. */
export interface QuarantineSummary {
  examples: number
  findings: Record<string, number>
  named: Array<{conversationId: string; exampleIndex: number; finds: QuarantineFind[]}>
}

/**
 * A run's quarantine. Recorded as the run goes, in its transaction, so the rows
 * commit with its files; a strict run, which will roll back, keeps the first
 * examples to record after the rollback instead, for review of what stopped it.
 */
export class RunQuarantine {
  readonly summary: QuarantineSummary = {examples: 0, findings: {}, named: []}
  private readonly held: QuarantinedExample[] = []

  constructor(private readonly runId: number, private readonly strict: boolean) {}

  async add(tx: TransactionSql, examples: QuarantinedExample[]): Promise<void> {
    if (examples.length === 0) return
    for (const example of examples) {
      this.summary.examples += 1
      for (const find of example.finds) bump(this.summary.findings, find.type)
      if (this.summary.named.length < NAMED_IN_RESULT) this.summary.named.push({conversationId: example.conversationId, exampleIndex: example.exampleIndex, finds: example.finds})
    }
    if (!this.strict) await insertQuarantined(tx, this.runId, examples)
    else this.held.push(...examples.slice(0, HELD_WHEN_STRICT - this.held.length))
  }

  /** After a strict run failed: its held examples replace what an earlier run of the window recorded. */
  async recordHeld(sql: Sql): Promise<void> {
    await sql.begin(async (tx) => {
      await clearQuarantined(tx, this.runId)
      await insertQuarantined(tx, this.runId, this.held)
    })
  }
}

/** Re-running a window reuses its run row: its earlier quarantine goes, in the same transaction as the new one comes. */
export async function clearQuarantined(tx: TransactionSql, runId: number): Promise<void> {
  await tx`delete from loopft_quarantined_examples where export_run_id = ${runId}`
}

async function insertQuarantined(tx: TransactionSql, runId: number, examples: QuarantinedExample[]): Promise<void> {
  if (examples.length === 0) return
  const rows = examples.map((example) => ({conversation_id: example.conversationId, example_index: example.exampleIndex, user_ids: example.userIds, finds: example.finds, messages: example.messages}))
  await tx`
    insert into loopft_quarantined_examples (export_run_id, conversation_id, example_index, user_ids, finds, messages)
    select ${runId}, conversation_id, example_index, user_ids, finds, messages
    from jsonb_to_recordset(${tx.json(rows as never)}) as q (conversation_id text, example_index integer, user_ids text[], finds jsonb, messages jsonb)`
}

export interface QuarantinedRecord {
  id: number
  exportRunId: number
  conversationId: string
  exampleIndex: number
  recordedAt: string
  finds: QuarantineFind[]
  messages: TrainingMessage[]
}

export interface QuarantineReview {
  /** The run shown: --run, or the latest run that quarantined anything; null when none ever did. */
  runId: number | null
  total: number
  examples: QuarantinedRecord[]
}

/** The quarantined examples of one run (default: the latest run with any), oldest first. */
export async function reviewQuarantine(sql: Sql, options: {runId?: number; limit: number}): Promise<QuarantineReview> {
  let runId = options.runId
  if (runId === undefined) {
    const [latest] = await sql<{run: string | null}[]>`select max(export_run_id) as run from loopft_quarantined_examples`
    if (latest.run === null) return {runId: null, total: 0, examples: []}
    runId = Number(latest.run)
  } else {
    const [run] = await sql`select 1 from loopft_export_runs where id = ${runId}`
    if (run === undefined) throw new LoopftError('NOT_FOUND', `there is no export run ${runId}`, {suggestion: 'see the runs with: loopft status'})
  }
  const [{total}] = await sql<{total: number}[]>`select count(*)::int as total from loopft_quarantined_examples where export_run_id = ${runId}`
  const rows = await sql<Array<{id: string; export_run_id: string; conversation_id: string; example_index: number; created_at: Date; finds: QuarantineFind[]; messages: TrainingMessage[]}>>`
    select id, export_run_id, conversation_id, example_index, created_at, finds, messages from loopft_quarantined_examples
    where export_run_id = ${runId} order by id limit ${options.limit}`
  return {
    runId,
    total,
    examples: rows.map((row) => ({
      id: Number(row.id), exportRunId: Number(row.export_run_id), conversationId: row.conversation_id, exampleIndex: row.example_index,
      recordedAt: row.created_at.toISOString(), finds: row.finds, messages: row.messages,
    })),
  }
}

/** The share of examples the export runs of the last QUARANTINE_RATE_DAYS quarantined; rate is null without examples. */
export interface QuarantineRate {
  since: string
  runs: number
  examples: number
  quarantined: number
  rate: number | null
  aboveWarnRate: boolean
}

export async function readQuarantineRate(sql: Sql, now: Date): Promise<QuarantineRate> {
  const since = new Date(now.getTime() - QUARANTINE_RATE_DAYS * 86_400_000)
  const [row] = await sql<{runs: number; written: string; quarantined: string}[]>`
    select count(*)::int as runs, coalesce(sum(examples_written), 0) as written, coalesce(sum((skipped->>'pii_suspected')::bigint), 0) as quarantined
    from loopft_export_runs where status = 'succeeded' and finished_at >= ${since}`
  const quarantined = Number(row.quarantined)
  const examples = Number(row.written) + quarantined
  const rate = examples === 0 ? null : quarantined / examples
  return {since: since.toISOString(), runs: row.runs, examples, quarantined, rate, aboveWarnRate: rate !== null && rate > QUARANTINE_WARN_RATE}
}

export function formatRate(rate: QuarantineRate): string {
  if (rate.rate === null) return `no examples exported since ${rate.since.slice(0, 10)}`
  return `${rate.quarantined} of ${rate.examples} examples (${formatPercent(rate.rate, 2)}) in ${rate.runs} run(s) since ${rate.since.slice(0, 10)}`
}
