import {setTimeout as sleep} from 'node:timers/promises'
import type {Sql} from '../db/connection.js'
import {LoopftError, isLoopftError} from '../errors.js'
import type {Deployment, TrainingJob, TrainingProvider} from '../training/provider.js'

/** A deployment loopft recorded: what `status` shows and `prune` stops. */
export interface DeploymentRecord extends Deployment {
  id: number
  provider: string
  jobId: string
  createdAt: Date
  updatedAt: Date
  stoppedAt: Date | null
}

export interface DeployOptions {
  intervalMs: number
  timeoutMs: number
  signal?: AbortSignal
  now?: () => Date
  onUpdate?: (deployment: Deployment) => void
}

/**
 * The deploy step of the loop: makes a succeeded job's model callable where the
 * provider needs it (resuming a deployment recorded earlier), waits until the
 * provider reports it ready and a smoke chat answers, and records it. Returns
 * the name chat requests use. STILL_RUNNING when it is not callable within
 * `timeoutMs` (an Azure deployment nobody created yet); API_ERROR when the
 * provider reports it failed.
 */
export async function deployJob(deps: {sql: Sql; provider: TrainingProvider}, job: TrainingJob, options: DeployOptions): Promise<Deployment> {
  const now = () => options.now?.() ?? new Date()
  const recorded = await findDeploymentOfJob(deps.sql, deps.provider.name, job.id)
  let deployment: Deployment = recorded === undefined || recorded.status === 'failed' || recorded.status === 'stopped'
    ? await deps.provider.deploy(job, {name: deploymentName(job)})
    : recorded
  if (deployment.kind === 'none') return deployment.status === 'ready' ? deployment : failed(job, deployment)
  await saveDeployment(deps.sql, deps.provider.name, job.id, deployment)
  const started = now().getTime()
  for (;;) {
    options.onUpdate?.(deployment)
    if (deployment.status === 'failed') return failed(job, deployment)
    if (deployment.status === 'ready' || deployment.kind === 'manual') {
      const answered = await deps.provider.smokeTest(deployment.model).then(() => true, (error) => {
        if (deployment.kind === 'manual' || isLoopftError(error, 'NOT_FOUND') || isLoopftError(error, 'API_ERROR')) return false
        throw error
      })
      if (answered) {
        deployment = {...deployment, status: 'ready'}
        await saveDeployment(deps.sql, deps.provider.name, job.id, deployment)
        return deployment
      }
    }
    if (now().getTime() - started >= options.timeoutMs) {
      throw new LoopftError('STILL_RUNNING', `${deployment.model} is not callable yet (${deployment.detail})`, {
        suggestion: deployment.kind === 'manual' ? `run: ${deployment.detail}; then: loopft watch-job ${job.id}` : `resume with: loopft watch-job ${job.id}`,
        details: {jobId: job.id, deployment},
      })
    }
    try {
      await sleep(options.intervalMs, undefined, {signal: options.signal})
    } catch {
      throw new LoopftError('INTERRUPTED', `stopped waiting for ${deployment.model}; the deployment continues`, {suggestion: `resume with: loopft watch-job ${job.id}`})
    }
    deployment = await deps.provider.getDeployment(deployment)
    await saveDeployment(deps.sql, deps.provider.name, job.id, deployment)
  }
}

/** A name the provider accepts (lowercase letters, digits, dashes), from the job's suffix. */
function deploymentName(job: TrainingJob): string {
  return (job.suffix ?? job.id).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'loopft'
}

function failed(job: TrainingJob, deployment: Deployment): never {
  throw new LoopftError('API_ERROR', `the provider could not make the model of job ${job.id} callable: ${deployment.detail}`, {
    suggestion: `retry with: loopft watch-job ${job.id}`, details: {jobId: job.id, deployment},
  })
}

async function saveDeployment(sql: Sql, provider: string, jobId: string, deployment: Deployment): Promise<void> {
  await sql`
    insert into loopft_deployments (provider, job_id, kind, external_id, model, status, cost_per_day_usd, detail)
    values (${provider}, ${jobId}, ${deployment.kind}, ${deployment.externalId}, ${deployment.model}, ${deployment.status}, ${deployment.costPerDayUsd}, ${deployment.detail})
    on conflict (provider, job_id) do update set kind = excluded.kind, external_id = excluded.external_id, model = excluded.model, status = excluded.status,
      cost_per_day_usd = coalesce(excluded.cost_per_day_usd, loopft_deployments.cost_per_day_usd), detail = excluded.detail, updated_at = now(),
      stopped_at = case when excluded.status = 'stopped' then coalesce(loopft_deployments.stopped_at, now()) else null end`
}

export async function findDeploymentOfJob(sql: Sql, provider: string, jobId: string): Promise<DeploymentRecord | undefined> {
  const [row] = await sql<DeploymentRow[]>`select * from loopft_deployments where provider = ${provider} and job_id = ${jobId}`
  return row === undefined ? undefined : toRecord(row)
}

/** Deployments that may bill by time: pending or ready endpoints, newest first. */
export async function listRunningDeployments(sql: Sql): Promise<DeploymentRecord[]> {
  const rows = await sql<DeploymentRow[]>`select * from loopft_deployments where status in ('pending', 'ready') order by created_at desc, id desc`
  return rows.map(toRecord)
}

/** Stops a deployment at its provider and records it stopped. */
export async function stopDeployment(deps: {sql: Sql; provider: TrainingProvider}, deployment: DeploymentRecord): Promise<void> {
  await deps.provider.stopDeployment(deployment)
  await saveDeployment(deps.sql, deployment.provider, deployment.jobId, {...deployment, status: 'stopped'})
}

/** Stops the deployments of `model` that bill by time (a candidate that failed its gate). */
export async function stopDeploymentsOf(deps: {sql: Sql; provider: TrainingProvider}, model: string): Promise<void> {
  for (const deployment of await listRunningDeployments(deps.sql)) {
    if (deployment.model === model && deployment.costPerDayUsd !== null && deployment.provider === deps.provider.name) await stopDeployment(deps, deployment)
  }
}

interface DeploymentRow {
  id: string
  provider: string
  job_id: string
  kind: Deployment['kind']
  external_id: string | null
  model: string
  status: Deployment['status']
  cost_per_day_usd: string | null
  detail: string
  created_at: Date
  updated_at: Date
  stopped_at: Date | null
}

function toRecord(row: DeploymentRow): DeploymentRecord {
  return {
    id: Number(row.id), provider: row.provider, jobId: row.job_id, kind: row.kind, externalId: row.external_id, model: row.model, status: row.status,
    costPerDayUsd: row.cost_per_day_usd === null ? null : Number(row.cost_per_day_usd), detail: row.detail, createdAt: row.created_at, updatedAt: row.updated_at, stoppedAt: row.stopped_at,
  }
}
