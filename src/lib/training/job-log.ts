import type {Sql} from '../db/connection.js'
import type {JobEvent, StepMetrics, TrainingProvider} from './provider.js'

/** Ids of the events already shown for a job (by any watcher, before any restart). */
export async function seenEventIds(sql: Sql, jobId: string): Promise<Set<string>> {
  const rows = await sql<{event_id: string}[]>`select event_id from loopft_training_events where job_id = ${jobId}`
  return new Set(rows.map((row) => row.event_id))
}

/**
 * The job's events not seen before, oldest first. Pages newest-first only until
 * the first known event; the primary key decides who shows an event when two
 * watchers race, so each is returned exactly once.
 */
export async function takeNewEvents(sql: Sql, provider: TrainingProvider, jobId: string, seen: Set<string>): Promise<JobEvent[]> {
  const fresh: JobEvent[] = []
  for await (const event of provider.listEvents(jobId)) {
    if (seen.has(event.id)) break
    fresh.push(event)
  }
  if (fresh.length === 0) return []
  fresh.reverse()
  const rows = fresh.map((event) => ({
    job_id: jobId, event_id: event.id, created_at: event.createdAt, level: event.level, type: event.type, message: event.message,
    data: event.data === null ? null : sql.json(event.data as never),
  }))
  const inserted = await sql<{event_id: string}[]>`
    insert into loopft_training_events ${sql(rows as never)} on conflict (job_id, event_id) do nothing returning event_id`
  for (const event of fresh) seen.add(event.id)
  const mine = new Set(inserted.map((row) => row.event_id))
  const metrics = fresh.flatMap((event) => (mine.has(event.id) && event.type === 'metrics' && typeof event.data?.step === 'number' ? [metricsOf(event.data)] : []))
  await saveStepMetrics(sql, jobId, metrics)
  return fresh.filter((event) => mine.has(event.id))
}

function metricsOf(data: Record<string, unknown>): StepMetrics {
  const metrics = Object.fromEntries(Object.entries(data).filter((entry): entry is [string, number] => typeof entry[1] === 'number'))
  return {step: metrics.step, metrics}
}

export async function saveStepMetrics(sql: Sql, jobId: string, steps: StepMetrics[]): Promise<void> {
  if (steps.length === 0) return
  const rows = steps.map(({step, metrics}) => ({job_id: jobId, step, metrics: sql.json(metrics)}))
  await sql`
    insert into loopft_training_metrics ${sql(rows as never)}
    on conflict (job_id, step) do update set metrics = loopft_training_metrics.metrics || excluded.metrics`
}

/** How many steps are kept for a job, and the metrics of the last one. */
export async function stepMetricsSummary(sql: Sql, jobId: string): Promise<{steps: number; last: Record<string, number> | null}> {
  const [row] = await sql<{steps: number; last: Record<string, number> | null}[]>`
    select count(*)::int as steps, (select metrics from loopft_training_metrics where job_id = ${jobId} order by step desc limit 1) as last
    from loopft_training_metrics where job_id = ${jobId}`
  return row
}
