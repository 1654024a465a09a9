import type {Sql} from '../db/connection.js'

export const CYCLE_STEPS = ['tune', 'watch', 'evaluate', 'promote'] as const
export type CycleStepName = (typeof CYCLE_STEPS)[number]

export interface StepState {
  /** done and skipped are final; failed and waiting are retried by the next run. */
  state: 'pending' | 'done' | 'skipped' | 'failed' | 'waiting'
  detail: string
  /** Set on the step that decided how the cycle ends (e.g. 'gate-failed'), so a resumed run reports it too. */
  outcome?: string
  at?: string
}

export interface CycleRow {
  id: number
  status: 'running' | 'succeeded' | 'failed'
  steps: Partial<Record<CycleStepName, StepState>>
  jobId: string | null
  candidate: string | null
  evaluationId: number | null
  startedAt: Date
}

interface Row {
  id: string
  status: CycleRow['status']
  steps: CycleRow['steps']
  job_id: string | null
  candidate: string | null
  evaluation_id: string | null
  started_at: Date
}

/** The latest weekly cycles, newest first (loopft status). */
export async function recentCycles(sql: Sql, limit: number): Promise<CycleRow[]> {
  const rows = await sql<Row[]>`select * from loopft_cycles order by started_at desc, id desc limit ${limit}`
  return rows.map(toCycle)
}

/** The unfinished cycle a crashed or interrupted run left, if any. */
export async function findRunningCycle(sql: Sql): Promise<CycleRow | undefined> {
  const [row] = await sql<Row[]>`select * from loopft_cycles where status = 'running'`
  return row === undefined ? undefined : toCycle(row)
}

export async function startCycle(sql: Sql): Promise<CycleRow> {
  const [row] = await sql<Row[]>`insert into loopft_cycles default values returning *`
  return toCycle(row)
}

/** Records one step's state (and what it produced) at once, so a crash right after loses nothing. */
export async function saveStep(sql: Sql, cycle: CycleRow, step: CycleStepName, state: StepState, produced: {jobId?: string; candidate?: string; evaluationId?: number} = {}): Promise<void> {
  cycle.steps[step] = {...state, at: new Date().toISOString()}
  cycle.jobId = produced.jobId ?? cycle.jobId
  cycle.candidate = produced.candidate ?? cycle.candidate
  cycle.evaluationId = produced.evaluationId ?? cycle.evaluationId
  await sql`
    update loopft_cycles set steps = ${sql.json(cycle.steps as never)}, job_id = ${cycle.jobId}, candidate = ${cycle.candidate},
      evaluation_id = ${cycle.evaluationId}, updated_at = now()
    where id = ${cycle.id}`
}

export async function finishCycle(sql: Sql, cycle: CycleRow, status: 'succeeded' | 'failed', error?: {code: string; message: string}): Promise<void> {
  cycle.status = status
  await sql`update loopft_cycles set status = ${status}, error = ${error === undefined ? null : sql.json(error)}, finished_at = now(), updated_at = now() where id = ${cycle.id}`
}

/** True when an earlier finished cycle already carried this job through. */
export async function isJobHandled(sql: Sql, jobId: string): Promise<boolean> {
  const [row] = await sql`select 1 from loopft_cycles where job_id = ${jobId} and status <> 'running' limit 1`
  return row !== undefined
}

/** Succeeded export runs whose window ended after `since`: the new data a tune would use. */
export async function countNewExports(sql: Sql, since: Date): Promise<number> {
  const [row] = await sql<{count: string}[]>`select count(*) as count from loopft_export_runs where status = 'succeeded' and window_end > ${since}`
  return Number(row.count)
}

function toCycle(row: Row): CycleRow {
  return {
    id: Number(row.id),
    status: row.status,
    steps: row.steps,
    jobId: row.job_id,
    candidate: row.candidate,
    evaluationId: row.evaluation_id === null ? null : Number(row.evaluation_id),
    startedAt: row.started_at,
  }
}
