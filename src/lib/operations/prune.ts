import {archiveFile, findArchivable, type ArchiveCandidate, type ArchivedFile} from './export-archive.js'
import type {Database} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {toLoopftError} from '../error-translation.js'
import {withRunLock} from '../db/run-locks.js'
import {protectedModels} from '../serving/model-protections.js'
import {setModelStatus} from '../serving/registry.js'
import {deleteApiFile, ignoreMissing, type ApiCleaner} from './provider-cleanup.js'
import {listRunningDeployments, type DeploymentRecord} from '../serving/deploy.js'

export interface PruneDeps {
  db: Database
  /** Needed only when the plan deletes models or files; a missing model or file counts as deleted. */
  api?: ApiCleaner
  /** Stops a deployment at its own provider (it may differ from the one --provider names); needed only when the plan stops some. */
  stopDeployment?: (deployment: DeploymentRecord) => Promise<void>
  outDir: string
  archiveDir: string
  now?: Date
}

export interface PruneOptions {
  modelsOlderThanMs: number
  archiveOlderThanMs: number
}

export interface PlannedModel {
  name: string
  status: string
  createdAt: string
  /** Uploaded training and validation files no model that stays uses. */
  files: string[]
}

export interface PrunePlan {
  at: string
  modelsCreatedBefore: string
  models: PlannedModel[]
  /** Old enough, but protected. */
  keptModels: Array<{name: string; reason: string}>
  /** Files of models deleted earlier whose deletion failed: retried now. */
  files: string[]
  archive: ArchiveCandidate[]
  /** Examples export quarantined longer ago than the archive age: their rows are deleted. */
  quarantine: {recordedBefore: string; examples: number}
  /** Deployments billed by time whose model nothing serves, rolls back to or evaluates: stopped. */
  deployments: DeploymentRecord[]
}

export interface PruneFailure {
  kind: 'model' | 'file' | 'archive' | 'deployment'
  item: string
  code: string
  message: string
}

export interface PruneReport {
  dryRun: boolean
  plan: PrunePlan
  deletedModels: string[]
  deletedFiles: string[]
  archived: ArchivedFile[]
  quarantinedDeleted: number
  stoppedDeployments: string[]
  /** Planned models protected by the time the work ran (e.g. promoted meanwhile). */
  skipped: Array<{name: string; reason: string}>
  failures: PruneFailure[]
}

/** Exactly what prune would do now; changes nothing. */
export async function planPrune(deps: PruneDeps, options: PruneOptions): Promise<PrunePlan> {
  const now = deps.now ?? new Date()
  const {sql} = deps.db
  const before = new Date(now.getTime() - options.modelsOlderThanMs)
  const protections = await protectedModels(sql)
  const old = await sql<{name: string; status: string; created_at: Date}[]>`
    select name, status, created_at from loopft_models where status <> 'deleted' and created_at < ${before} order by created_at, name`
  const doomed = old.filter((model) => !protections.has(model.name))
  const files = await filesOf(deps.db, doomed.map((model) => model.name))
  const quarantineBefore = new Date(now.getTime() - options.archiveOlderThanMs)
  const [{quarantined}] = await sql<{quarantined: number}[]>`select count(*)::int as quarantined from loopft_quarantined_examples where created_at < ${quarantineBefore}`
  return {
    at: now.toISOString(),
    modelsCreatedBefore: before.toISOString(),
    models: doomed.map((model) => ({name: model.name, status: model.status, createdAt: model.created_at.toISOString(), files: files.get(model.name) ?? []})),
    keptModels: old.filter((model) => protections.has(model.name)).map((model) => ({name: model.name, reason: protections.get(model.name) as string})),
    files: [...new Set([...(await filesOf(deps.db, await deletedModelNames(deps.db))).values()].flat())],
    archive: await findArchivable(deps, {olderThanMs: options.archiveOlderThanMs, now}),
    quarantine: {recordedBefore: quarantineBefore.toISOString(), examples: quarantined},
    deployments: await idleDeployments(deps.db, protections),
  }
}

/** Running deployments that bill by time and whose model is neither protected nor a candidate still waiting for its evaluation. */
async function idleDeployments(db: Database, protections: Map<string, string>): Promise<DeploymentRecord[]> {
  const awaiting = new Set((await db.sql<{name: string}[]>`select name from loopft_models where status = 'candidate' and evaluation is null`).map((row) => row.name))
  return (await listRunningDeployments(db.sql)).filter((deployment) => deployment.costPerDayUsd !== null && !protections.has(deployment.model) && !awaiting.has(deployment.model))
}

/**
 * Carries out a plan under the prune lock (archiving also under the export
 * lock, so no export appends meanwhile). Each item is finished or left as it
 * was: a model is marked deleted only once the provider deleted it, a file is
 * recorded only once deleted, an original removed only after its archive
 * verified; quarantined examples past the archive age are deleted. Failures are collected, never thrown: run prune again to retry.
 */
export async function executePrune(deps: PruneDeps, plan: PrunePlan): Promise<PruneReport> {
  return withRunLock(deps.db, 'prune', async () => {
    const report: PruneReport = {dryRun: false, plan, deletedModels: [], deletedFiles: [], archived: [], quarantinedDeleted: 0, stoppedDeployments: [], skipped: [], failures: []}
    const protections = await protectedModels(deps.db.sql)
    const api = plan.models.length + plan.files.length > 0 ? requireApi(deps) : undefined
    for (const model of plan.models) {
      const reason = protections.get(model.name)
      if (reason !== undefined) {
        report.skipped.push({name: model.name, reason})
        continue
      }
      const deleted = await attempt(report, 'model', model.name, async () => {
        await ignoreMissing(() => (api as ApiCleaner).deleteModel(model.name))
        await setModelStatus(deps.db.sql, model.name, 'deleted')
      })
      if (deleted) report.deletedModels.push(model.name)
    }
    const files = [...new Set([...plan.files, ...plan.models.filter((model) => report.deletedModels.includes(model.name)).flatMap((model) => model.files)])]
    for (const fileId of files) {
      if (await attempt(report, 'file', fileId, () => deleteApiFile(deps.db, api as ApiCleaner, fileId, 'prune'))) report.deletedFiles.push(fileId)
    }
    const stillIdle = new Set((await idleDeployments(deps.db, protections)).map((deployment) => deployment.id))
    for (const deployment of plan.deployments) {
      if (!stillIdle.has(deployment.id)) {
        report.skipped.push({name: deployment.model, reason: 'its deployment is in use again'})
        continue
      }
      const stop = requireStopper(deps)
      if (await attempt(report, 'deployment', deployment.model, () => stop(deployment))) report.stoppedDeployments.push(deployment.model)
    }
    if (plan.archive.length > 0) {
      await withRunLock(deps.db, 'export', async () => {
        for (const candidate of plan.archive) {
          await attempt(report, 'archive', candidate.path, async () => {
            report.archived.push(await archiveFile(deps.db.sql, candidate))
          })
        }
      })
    }
    if (plan.quarantine.examples > 0) {
      report.quarantinedDeleted = (await deps.db.sql`delete from loopft_quarantined_examples where created_at < ${plan.quarantine.recordedBefore}`).count
    }
    return report
  })
}

export function dryRunReport(plan: PrunePlan): PruneReport {
  return {dryRun: true, plan, deletedModels: [], deletedFiles: [], archived: [], quarantinedDeleted: 0, stoppedDeployments: [], skipped: [], failures: []}
}

/** The failure for a report with failures: PARTIAL, carrying the report. */
export function pruneFailure(report: PruneReport): LoopftError | undefined {
  if (report.failures.length === 0) return undefined
  return new LoopftError('PARTIAL', `prune finished with ${report.failures.length} failure(s); everything else was done`, {
    suggestion: 'the failures are listed in the report; run prune again to retry them',
    result: report,
  })
}

/** Uploaded files of these models that no other live model uses and that are not deleted yet. */
async function filesOf(db: Database, names: string[]): Promise<Map<string, string[]>> {
  if (names.length === 0) return new Map()
  const rows = await db.sql<{name: string; file_id: string}[]>`
    with used as (
      select m.name, f.file_id from loopft_models m
      left join loopft_training_jobs j on j.fine_tuned_model = m.name or j.job_id = m.job_id
      cross join lateral (values (m.training_file_id), (j.training_file_id), (j.validation_file_id)) as f (file_id)
      where f.file_id is not null
    )
    select distinct name, file_id from used
    where name = any(${names})
      and file_id not in (select file_id from loopft_deleted_files)
      and file_id not in (select u.file_id from used u join loopft_models m on m.name = u.name where m.status <> 'deleted' and not (u.name = any(${names})))
    order by name, file_id`
  const files = new Map<string, string[]>()
  for (const row of rows) files.set(row.name, [...(files.get(row.name) ?? []), row.file_id])
  return files
}

async function deletedModelNames(db: Database): Promise<string[]> {
  return (await db.sql<{name: string}[]>`select name from loopft_models where status = 'deleted'`).map((row) => row.name)
}

function requireApi(deps: PruneDeps): ApiCleaner {
  if (deps.api === undefined) throw new LoopftError('CONFIG_INVALID', 'deleting models and files needs the provider API', {suggestion: 'set OPENAI_API_KEY (and OPENAI_BASE_URL)'})
  return deps.api
}

function requireStopper(deps: PruneDeps): NonNullable<PruneDeps['stopDeployment']> {
  if (deps.stopDeployment === undefined) throw new LoopftError('CONFIG_INVALID', 'stopping deployments needs their provider API', {suggestion: 'set the provider\'s <NAME>_API_KEY (see docs/providers.md)'})
  return deps.stopDeployment
}

async function attempt(report: PruneReport, kind: PruneFailure['kind'], item: string, work: () => Promise<void>): Promise<boolean> {
  try {
    await work()
    return true
  } catch (error) {
    const translated = toLoopftError(error)
    report.failures.push({kind, item, code: translated.code, message: translated.message})
    return false
  }
}
