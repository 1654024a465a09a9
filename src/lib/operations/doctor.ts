import fs from 'node:fs/promises'
import path from 'node:path'
import {getModelInfo, getProviderCutoff, loadCatalogOverrides, type CatalogOverrides, type ModelInfo} from '../training/model-catalog.js'
import type {LoopftConfig} from '../config.js'
import type {Database, Sql} from '../db/connection.js'
import {toLoopftError} from '../error-translation.js'
import {LoopftError} from '../errors.js'
import {readMigrations} from '../db/migrate.js'
import {formatRate, readQuarantineRate, QUARANTINE_WARN_RATE} from '../export/quarantine-ledger.js'
import {providerName} from '../training/openai-provider.js'
import type {TrainingProvider} from '../training/provider.js'
import {findFineTunesShutdown} from '../training/model-retirement.js'
import {checkRetirements} from './retirement-checks.js'

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface Check {
  name: string
  status: CheckStatus
  detail: string
  /** What to do about a warn or fail. */
  fix: string | null
}

export interface DoctorResult {
  ok: boolean
  checks: Check[]
}

/** The failure for a doctor run with a failed check: CHECK_FAILED, carrying every check. */
export function doctorFailure(result: DoctorResult): LoopftError | undefined {
  const failed = result.checks.filter((check) => check.status === 'fail').map((check) => check.name)
  if (result.ok && failed.length === 0) return undefined
  return new LoopftError('CHECK_FAILED', `${failed.length} check(s) failed: ${failed.join(', ')}`, {suggestion: 'each failed check lists its fix', result})
}

export interface DoctorDeps {
  config: Pick<LoopftConfig, 'baseModel' | 'outDir' | 'maxBytes' | 'openaiApiKey' | 'openaiBaseUrl' | 'pricesFile' | 'textModel' | 'visionModel'>
  /** Opens (and migrates) the database; a throw becomes the failed database check. */
  connect: () => Promise<Database>
  /** Builds the provider; a throw (no key) becomes the failed API check. */
  createProvider: () => TrainingProvider | Promise<TrainingProvider>
  now?: () => Date
}

const DAY = 86_400_000
const CUTOFF_WARN_DAYS = 90
/** Weekly schedule: a tune or evaluation older than this means a run was missed. */
const WEEKLY_STALE_DAYS = 8
const EXPORT_STALE_DAYS = 2

/**
 * Says whether the loop can run: each check is ok, warn or fail with a fix.
 * Creates nothing anywhere: the fine-tuning probe lists jobs and reads the base
 * model, it never starts a (paid) job.
 */
export async function runDoctor(deps: DoctorDeps): Promise<DoctorResult> {
  const now = deps.now?.() ?? new Date()
  const checks: Check[] = []
  const add = (name: string, status: CheckStatus, detail: string, fix: string | null = null) => checks.push({name, status, detail, fix})

  const sql = await checkDatabase(deps, add)
  const catalog = checkCatalog(deps, add)
  const provider = await checkApi(deps, add)
  const model = catalog?.model
  if (provider !== undefined) await checkFineTuning(deps, sql, provider, model, catalog?.overrides, now, add)
  const trainingProvider = provider?.name ?? providerName(deps.config.openaiBaseUrl)
  checkCutoff(trainingProvider, catalog?.overrides, now, add)
  if (model !== undefined) checkBaseShutdown(trainingProvider, model.name, catalog?.overrides, now, add)
  await checkRetirements(sql, deps.config, catalog?.overrides, now, add)
  await checkDisk(deps, add)
  if (sql !== undefined) await checkRecency(sql, now, add)
  if (sql !== undefined) await checkQuarantine(sql, now, add)
  return {ok: checks.every((check) => check.status !== 'fail'), checks}
}

type Add = (name: string, status: CheckStatus, detail: string, fix?: string | null) => void

async function checkDatabase(deps: DoctorDeps, add: Add): Promise<Sql | undefined> {
  try {
    const db = await deps.connect()
    const [{applied}] = await db.sql<{applied: number}[]>`select count(*)::int as applied from loopft_migrations`
    const known = (await readMigrations()).length
    if (applied < known) add('database', 'fail', `${db.kind}: ${known - applied} migration(s) pending`, 'run: loopft migrate')
    else add('database', 'ok', `${db.kind} reachable; schema up to date (${applied} migrations)`)
    return db.sql
  } catch (error) {
    add('database', 'fail', toLoopftError(error).message, 'check DATABASE_URL (or unset it for the embedded database) and run: loopft migrate')
    return undefined
  }
}

function checkCatalog(deps: DoctorDeps, add: Add): {overrides: CatalogOverrides | undefined; model: ModelInfo} | undefined {
  try {
    const overrides = loadCatalogOverrides(deps.config.pricesFile)
    const model = getModelInfo(deps.config.baseModel, overrides)
    const price = model.trainingPerMillion === null ? 'no training price' : `$${model.trainingPerMillion}/1M training tokens`
    add('catalog', 'ok', `${model.name}: ${price}, ${model.trainingContext ?? '?'} tokens per example${deps.config.pricesFile ? ` (with ${deps.config.pricesFile})` : ''}`)
    return {overrides, model}
  } catch (error) {
    const failure = toLoopftError(error)
    add('catalog', 'fail', failure.message, failure.suggestion ?? null)
    return undefined
  }
}

async function checkApi(deps: DoctorDeps, add: Add): Promise<TrainingProvider | undefined> {
  if (deps.config.openaiApiKey === undefined) {
    add('api', 'fail', 'OPENAI_API_KEY is not set', 'export OPENAI_API_KEY (and OPENAI_BASE_URL for another provider)')
    return undefined
  }
  try {
    return await deps.createProvider()
  } catch (error) {
    add('api', 'fail', toLoopftError(error).message, 'check OPENAI_API_KEY and OPENAI_BASE_URL')
    return undefined
  }
}

async function checkFineTuning(deps: DoctorDeps, sql: Sql | undefined, provider: TrainingProvider, model: ModelInfo | undefined, overrides: CatalogOverrides | undefined, now: Date, add: Add): Promise<void> {
  const probe = await provider.canFineTune(deps.config.baseModel)
  if (!probe.apiOk) {
    add('api', 'fail', probe.detail, 'check OPENAI_API_KEY, OPENAI_BASE_URL and the network')
    return
  }
  add('api', 'ok', `${provider.name} answers with this key`)
  const refusal = sql === undefined ? undefined : await lastRefusal(sql)
  const cutoff = getProviderCutoff(provider.name, overrides)
  const cutoffPassed = cutoff !== undefined && daysUntil(cutoff.noNewJobsAfter, now) < 0
  if (!probe.modelVisible) add('fine-tuning', 'fail', probe.detail, 'set LOOPFT_BASE_MODEL to a model this account can fine-tune')
  else if (model !== undefined && !model.trainable) add('fine-tuning', 'fail', `${model.name} cannot be fine-tuned${model.note ? ` (${model.note})` : ''}`, 'set LOOPFT_BASE_MODEL to a trainable base (see the catalog in the README)')
  else if (cutoffPassed) add('fine-tuning', 'fail', `${provider.name} accepts no new fine-tuning jobs since ${cutoff.noNewJobsAfter}`, 'point OPENAI_BASE_URL at a provider that still trains')
  else if (refusal !== undefined) add('fine-tuning', 'fail', `the last job creation was refused (${refusal})`, 'this account may no longer create fine-tuning jobs: point OPENAI_BASE_URL at a provider that still trains')
  else add('fine-tuning', 'ok', `${deps.config.baseModel} is visible and trainable (probe: no job created)`)
}

/** How long training stays possible: shown even when the API cannot be reached. */
function checkCutoff(providerName: string, overrides: CatalogOverrides | undefined, now: Date, add: Add): void {
  const cutoff = getProviderCutoff(providerName, overrides)
  if (cutoff === undefined) add('provider cut-off', 'ok', `no announced fine-tuning cut-off for ${providerName}`)
  else addCountdown(add, 'provider cut-off', `${providerName} accepts no new fine-tuning jobs after ${cutoff.noNewJobsAfter}`, cutoff.noNewJobsAfter, now, 'plan the move: the same loop runs against any OpenAI-compatible fine-tuning API (OPENAI_BASE_URL)')
}

/** What a new fine-tune would be worth: its fine-tunes' shutdown at this provider. */
function checkBaseShutdown(provider: string, baseModel: string, overrides: CatalogOverrides | undefined, now: Date, add: Add): void {
  const {shutdownDate, daysLeft, successor} = findFineTunesShutdown(provider, baseModel, now, overrides)
  const what = `fine-tunes of ${baseModel} at ${provider}`
  const fix = `plan the move${successor === null ? '' : ` to ${successor}`}: another LOOPFT_BASE_MODEL, or another provider`
  if (shutdownDate === null || daysLeft === null) add('base model shutdown', 'ok', `no shutdown date announced for ${what}`)
  else if (daysLeft <= 0) add('base model shutdown', 'fail', `${what} were shut down on ${shutdownDate}`, fix)
  else add('base model shutdown', daysLeft <= CUTOFF_WARN_DAYS ? 'warn' : 'ok', `${what} stop serving on ${shutdownDate}: ${daysLeft} day(s) left`, daysLeft <= CUTOFF_WARN_DAYS ? fix : null)
}

async function lastRefusal(sql: Sql): Promise<string | undefined> {
  const [row] = await sql<{error: {code?: string; message?: string} | null; job_id: string | null}[]>`
    select error, job_id from loopft_training_jobs where status <> 'uploading' order by updated_at desc limit 1`
  return row?.job_id === null && row.error?.code === 'TRAINING_UNAVAILABLE' ? row.error.message : undefined
}

function addCountdown(add: Add, name: string, what: string, isoDate: string, now: Date, fix: string): void {
  const days = daysUntil(isoDate, now)
  if (days < 0) add(name, 'fail', `${what}: passed`, fix)
  else add(name, days <= CUTOFF_WARN_DAYS ? 'warn' : 'ok', `${what}: ${days} day(s) left`, days <= CUTOFF_WARN_DAYS ? fix : null)
}

/** Whole days from now until the end of the given UTC day; negative once it has passed. */
function daysUntil(isoDate: string, now: Date): number {
  return Math.floor((Date.parse(`${isoDate}T00:00:00Z`) + DAY - now.getTime()) / DAY)
}

async function checkDisk(deps: DoctorDeps, add: Add): Promise<void> {
  const directory = await nearestExisting(deps.config.outDir)
  const stats = await fs.statfs(directory)
  const free = stats.bavail * stats.bsize
  const mb = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString('en')} MB`
  const fix = `free space under ${deps.config.outDir} (loopft prune archives old exports) or set LOOPFT_OUT_DIR`
  if (free < 2 * deps.config.maxBytes) add('disk', 'fail', `${mb(free)} free for ${deps.config.outDir}; one export may need ${mb(deps.config.maxBytes)}`, fix)
  else if (free < 20 * deps.config.maxBytes) add('disk', 'warn', `${mb(free)} free for ${deps.config.outDir}`, fix)
  else add('disk', 'ok', `${mb(free)} free for ${deps.config.outDir}`)
}

async function nearestExisting(directory: string): Promise<string> {
  for (let current = path.resolve(directory); ; current = path.dirname(current)) {
    if (await fs.stat(current).then(() => true, () => false)) return current
    if (path.dirname(current) === current) return current
  }
}

/** Export leaves out what verify still finds: a rate above the threshold means the redactor misses a pattern in this traffic. */
async function checkQuarantine(sql: Sql, now: Date, add: Add): Promise<void> {
  const rate = await readQuarantineRate(sql, now)
  if (rate.aboveWarnRate) add('quarantine', 'warn', `${formatRate(rate)}: above ${QUARANTINE_WARN_RATE * 100}%`, 'review them with loopft quarantine and report the pattern the redactor misses')
  else add('quarantine', 'ok', formatRate(rate))
}

async function checkRecency(sql: Sql, now: Date, add: Add): Promise<void> {
  const [{hasEvaluations}] = await sql<{hasEvaluations: boolean}[]>`select to_regclass('loopft_evaluations') is not null as "hasEvaluations"`
  const evaluationAt = hasEvaluations ? sql`(select max(created_at) from loopft_evaluations)` : sql`null::timestamptz`
  const [row] = await sql<{export_at: Date | null; tune_at: Date | null; evaluation_at: Date | null}[]>`
    select
      (select max(finished_at) from loopft_export_runs where status = 'succeeded') as export_at,
      (select max(finished_at) from loopft_training_jobs where status = 'succeeded') as tune_at,
      ${evaluationAt} as evaluation_at`
  const recency = (name: string, at: Date | null, staleDays: number, fix: string) => {
    if (at === null) return add(name, 'warn', 'never', fix)
    const days = Math.max(0, Math.floor((now.getTime() - at.getTime()) / DAY))
    add(name, days > staleDays ? 'warn' : 'ok', `${at.toISOString()} (${days} day(s) ago)`, days > staleDays ? fix : null)
  }
  recency('last export', row.export_at, EXPORT_STALE_DAYS, 'run: loopft export (and check the schedule: loopft schedule)')
  recency('last tune', row.tune_at, WEEKLY_STALE_DAYS, 'run: loopft tune && loopft watch-job --latest')
  recency('last evaluation', row.evaluation_at, WEEKLY_STALE_DAYS, 'run: loopft evaluate')
}
