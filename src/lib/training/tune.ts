import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {getModelInfo, trainingCost, type CatalogOverrides, type ModelInfo} from './model-catalog.js'
import {trainingRefusal, trainingWarning} from './model-retirement.js'
import type {Database} from '../db/connection.js'
import {LoopftError, isLoopftError} from '../errors.js'
import {withRunLock} from '../db/run-locks.js'
import {completePendingPublishes} from '../export/publish.js'
import {sha256, writeDataset} from './dataset.js'
import {latestAttempt, recordIntent, spentThisMonth, updateRecord, type TrainingRecord} from './ledger.js'
import {prepareDataset, type PreparedData} from './prepare.js'
import {isTransient, type TrainingJob, type TrainingProvider, type UploadedFile} from './provider.js'
import {formatUsd} from '../format.js'
import type {PreflightCheck} from '../operations/preflight.js'
import {assertReviewed, type ReviewRequirement} from '../review/gate.js'

export interface TuneDeps {
  db: Database
  provider: TrainingProvider
  catalog?: CatalogOverrides
  now?: () => Date
  /** First wait of tune's own backoff between create attempts (doubles each time). */
  retryDelayMs?: number
  /** Progress lines for a spinner; the library never prints. */
  onProgress?: (message: string) => void
  /** Checks made before anything is uploaded, after the budget (operations/preflight.ts: checkBeforeTraining); cycle makes its own. */
  preflight?: () => Promise<PreflightCheck[]>
}

export interface TuneOptions {
  /** Train this JSONL file, or… */
  file?: string
  /** …the exports whose window ended in the last `sinceMs` milliseconds. */
  sinceMs?: number
  baseModel: string
  epochs: number
  suffix?: string
  maxCostUsd?: number
  monthlyBudgetUsd?: number
  /** Share of examples held out as a validation file (0 < share < 0.5). */
  validationSplit?: number
  dryRun: boolean
  force: boolean
  outDir: string
  loopftVersion: string
  /** LOOPFT_REQUIRE_REVIEW: no job starts on a dataset whose sample loopft review has not passed. */
  review?: ReviewRequirement
}

export interface TuneResult {
  /** dry-run: nothing done; skipped: this dataset was already trained; created; reconciled: a job created earlier (answer lost) was found. */
  outcome: 'dry-run' | 'skipped' | 'created' | 'reconciled'
  reason: string | null
  provider: string
  baseModel: string
  epochs: number
  suffix: string
  dataset: {path: string; sha256: string; bytes: number; examples: number; validationExamples: number; tokensPerEpoch: number; exportRunIds: number[]}
  trainingTokens: number
  estimatedCostUsd: number
  budget: {maxCostUsd: number | null; monthlyBudgetUsd: number | null; spentThisMonthUsd: number}
  record: TrainingRecord | null
  /** Things to know before relying on the result, e.g. the fine-tune's shutdown date is near. */
  warnings: string[]
  /** What was checked before spending: the budget, then deps.preflight's checks (none when nothing would be spent). */
  checks: PreflightCheck[]
}

const FILE_EXPIRY_SECONDS = 30 * 86_400
const CREATE_ROUNDS = 4
/** Reconciling looks at jobs created from a little before the intent (clock skew). */
const LOOKUP_MARGIN_MS = 10 * 60_000

/**
 * Starts a fine-tuning job for a dataset, safely unattended: validates and
 * prices it, refuses over budget, never trains the same dataset on the same
 * base twice (unless `force`), resumes an interrupted run with the files it
 * already uploaded, and never creates two jobs for one attempt: the intent is
 * recorded first, creation is not retried blindly, and after any failure the
 * job is looked up by its metadata before trying again.
 */
export async function startFineTune(deps: TuneDeps, options: TuneOptions): Promise<TuneResult> {
  const now = deps.now?.() ?? new Date()
  const model = getModelInfo(options.baseModel, deps.catalog)
  assertTrainable(model, deps, now)
  const warnings = [trainingWarning(deps.provider.name, model.name, now, deps.catalog)].filter((warning) => warning !== undefined)
  // Export files a crashed export committed but did not rename are published first, so the window is whole.
  if (options.file === undefined) await completePendingPublishes(deps.db)
  deps.onProgress?.('validating the dataset')
  const data = await prepareDataset(deps.db.sql, options, model, now)
  const estimatedCostUsd = trainingCost(data.training.tokensPerEpoch * options.epochs, model)
  const key = `tune:${deps.provider.name}:${model.name}:${data.whole.sha256}`
  const base = {
    provider: deps.provider.name, baseModel: model.name, epochs: options.epochs, warnings, trainingTokens: data.training.tokensPerEpoch * options.epochs, estimatedCostUsd,
    dataset: {path: data.path, sha256: data.whole.sha256, bytes: data.whole.bytes, examples: data.training.examples, validationExamples: data.validation?.examples ?? 0,
      tokensPerEpoch: data.training.tokensPerEpoch, exportRunIds: data.exportRunIds},
  }

  const decide = async () => {
    const previous = await latestAttempt(deps.db.sql, key)
    const plan = planAttempt(previous, options.force)
    const spent = await spentThisMonth(deps.db.sql, now, plan.resume?.id)
    const budget = {maxCostUsd: options.maxCostUsd ?? null, monthlyBudgetUsd: options.monthlyBudgetUsd ?? null, spentThisMonthUsd: spent}
    const suffix = plan.resume?.suffix ?? (deps.provider.carriesMetadata ? datedSuffix(options.suffix, now) : intentSuffix(options.suffix, data.whole.sha256, plan.attempt))
    return {plan, budget, suffix, previous}
  }
  /** Nothing is checked when nothing would be spent (the dataset was trained); a failed check refuses with the checks in the result. */
  const checkFirst = async ({plan, budget, suffix, previous}: Awaited<ReturnType<typeof decide>>) => {
    if (plan.skip !== undefined) return []
    deps.onProgress?.(deps.preflight === undefined ? 'checking the budget' : 'checking the budget and the provider before spending')
    const refusal = budgetRefusal(estimatedCostUsd, budget)
    const checks = [budgetCheck(estimatedCostUsd, budget, refusal), ...((await deps.preflight?.()) ?? [])]
    const failed = checks.find((check) => !check.passed && check.advisory !== true)
    if (failed === undefined) return checks
    const result = {...base, outcome: options.dryRun ? 'dry-run' : 'refused', reason: `a check before spending failed: ${failed.name}`, suffix, budget, record: previous ?? null, checks}
    if (refusal !== undefined) throw new LoopftError(refusal.code, refusal.message, {suggestion: refusal.suggestion, details: refusal.details, result})
    throw new LoopftError(failed.code ?? 'CHECK_FAILED', `before spending: ${failed.name}: ${failed.detail}`, {result})
  }
  const advise = (checks: PreflightCheck[]) => [...warnings, ...checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.detail}`)]

  if (options.dryRun) {
    const decided = await decide()
    const checks = await checkFirst(decided)
    return {...base, warnings: advise(checks), outcome: 'dry-run', reason: decided.plan.skip ?? null, suffix: decided.suffix, budget: decided.budget, record: decided.previous ?? null, checks}
  }
  return withRunLock(deps.db, 'tune', async () => {
    const decided = await decide()
    const {plan, budget, suffix, previous} = decided
    if (plan.skip !== undefined) return {...base, outcome: 'skipped', reason: plan.skip, suffix, budget, record: previous ?? null, checks: []}
    if (options.review !== undefined) await assertReviewed(deps.db.sql, data.exportRunIds, options.review)
    const checks = await checkFirst(decided)
    const datasetPath = options.file === undefined ? await writeDataset(options.outDir, data.content, path.basename(data.path)) : data.path
    const intent = {
      examples: data.training.examples, validationExamples: data.validation?.examples ?? 0, tokensPerEpoch: data.training.tokensPerEpoch,
      nEpochs: options.epochs, hyperparameters: {n_epochs: options.epochs}, estimatedCostUsd,
    }
    const record = plan.resume === undefined
      ? await recordIntent(deps.db.sql, {
        ...intent, idempotencyKey: key, attempt: plan.attempt, provider: deps.provider.name, baseModel: model.name, datasetPath, datasetSha256: data.whole.sha256,
        datasetBytes: data.whole.bytes, suffix, exportRunIds: data.exportRunIds, metadata: jobMetadata(key, plan.attempt, data.whole.sha256, data.exportRunIds, options.loopftVersion),
      })
      : await updateRecord(deps.db.sql, plan.resume.id, {
        ...intent,
        // Another --validation-split than the interrupted run's: its uploaded parts hold other lines.
        ...(plan.resume.validationExamples === intent.validationExamples ? {} : {trainingFileId: null, validationFileId: null}),
      })
    const uploaded = await ensureUploaded(deps, record, data)
    // A resumed attempt that got past uploading may have created a job whose answer was lost.
    const {job, reconciled} = await ensureJob(deps, uploaded, model.lora, plan.resume !== undefined && plan.resume.status !== 'uploading')
    const final = await updateRecord(deps.db.sql, record.id, {jobId: job.id, status: job.status, hyperparameters: job.hyperparameters, error: null})
    return {...base, warnings: advise(checks), outcome: reconciled ? 'reconciled' : 'created', reason: null, suffix, budget, record: final, checks}
  })
}

function assertTrainable(model: ModelInfo, deps: TuneDeps, now: Date): void {
  const refusal = !model.trainable ? `${model.name} cannot be fine-tuned${model.note ? ` (${model.note})` : ''}` : trainingRefusal(deps.provider.name, model.name, now, deps.catalog)
  if (refusal !== undefined) throw new LoopftError('TRAINING_UNAVAILABLE', refusal, {suggestion: 'choose another base model (LOOPFT_BASE_MODEL), or point OPENAI_BASE_URL at a provider that still trains (see: loopft doctor)'})
}

interface AttemptPlan {
  skip?: string
  resume?: TrainingRecord
  attempt: number
}

/** Skip what was trained (or is training), resume what never got a job, start a new attempt only with --force. */
function planAttempt(previous: TrainingRecord | undefined, force: boolean): AttemptPlan {
  if (previous === undefined) return {attempt: 1}
  const neverGotJob = previous.jobId === null && ['uploading', 'creating', 'failed'].includes(previous.status)
  if (neverGotJob) return {resume: previous, attempt: previous.attempt}
  if (force) return {attempt: previous.attempt + 1}
  return {attempt: previous.attempt, skip: `this dataset was already sent to ${previous.baseModel} as job ${previous.jobId} (${previous.status}); force a new job to train it again`}
}

/** The refusal a cost estimate earns under the limits, if any. */
function budgetRefusal(estimate: number, budget: TuneResult['budget']): LoopftError | undefined {
  if (budget.maxCostUsd !== null && estimate > budget.maxCostUsd) {
    return new LoopftError('BUDGET_EXCEEDED', `estimated cost ${formatUsd(estimate)} exceeds the cost limit ${formatUsd(budget.maxCostUsd)}`, {
      suggestion: 'raise the cost limit, or train on less data or for fewer epochs', details: {estimatedCostUsd: estimate, ...budget},
    })
  }
  if (budget.monthlyBudgetUsd !== null && budget.spentThisMonthUsd + estimate > budget.monthlyBudgetUsd) {
    return new LoopftError('BUDGET_EXCEEDED', `estimated cost ${formatUsd(estimate)} plus ${formatUsd(budget.spentThisMonthUsd)} spent this month exceeds the monthly budget ${formatUsd(budget.monthlyBudgetUsd)}`, {
      suggestion: 'wait for next month or raise LOOPFT_MONTHLY_BUDGET', details: {estimatedCostUsd: estimate, ...budget},
    })
  }
}

function budgetCheck(estimate: number, budget: TuneResult['budget'], refusal: LoopftError | undefined): PreflightCheck {
  if (refusal !== undefined) return {name: 'budget', passed: false, detail: refusal.message, code: refusal.code}
  const limits = [budget.maxCostUsd === null ? undefined : `the cost limit ${formatUsd(budget.maxCostUsd)}`,
    budget.monthlyBudgetUsd === null ? undefined : `${formatUsd(budget.spentThisMonthUsd)} spent of ${formatUsd(budget.monthlyBudgetUsd)} this month`].filter(Boolean)
  return {name: 'budget', passed: true, detail: `estimated ${formatUsd(estimate)}, within ${limits.length === 0 ? 'no limit (no --max-cost, no LOOPFT_MONTHLY_BUDGET)' : limits.join(' and ')}`}
}

/** `<name>-YYYYMMDD`, within the API's 64 characters. */
function datedSuffix(name: string | undefined, now: Date): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '')
  return `${(name ?? 'loopft').slice(0, 55)}-${date}`
}

/**
 * `<name>-<dataset sha256, 12 hex>-a<attempt>` for providers whose jobs carry
 * no metadata: listing jobs finds the one of an attempt whose answer was lost.
 * Together allows 40 characters.
 */
function intentSuffix(name: string | undefined, datasetSha: string, attempt: number): string {
  return `${(name ?? 'loopft').slice(0, 20)}-${datasetSha.slice(0, 12)}-a${attempt}`
}

function jobMetadata(key: string, attempt: number, datasetSha: string, exportRunIds: number[], version: string): Record<string, string> {
  const runs = exportRunIds.join(',')
  return {
    loopft_key: key,
    loopft_attempt: String(attempt),
    loopft_dataset_sha256: datasetSha,
    loopft_version: version,
    loopft_export_runs: runs.length <= 512 ? runs : `${exportRunIds[0]}..${exportRunIds.at(-1)} (${exportRunIds.length} runs)`,
  }
}

/** Uploads what is not uploaded yet (a resumed run reuses recorded files) and waits until the provider has processed them. */
async function ensureUploaded(deps: TuneDeps, record: TrainingRecord, data: PreparedData): Promise<TrainingRecord> {
  const trainingFileId = await ensureFile(deps, record.trainingFileId, data.trainingContent, async (id) => {
    await updateRecord(deps.db.sql, record.id, {trainingFileId: id})
  })
  const validationFileId = data.validationContent === undefined ? null : await ensureFile(deps, record.validationFileId, data.validationContent, async (id) => {
    await updateRecord(deps.db.sql, record.id, {validationFileId: id})
  })
  return updateRecord(deps.db.sql, record.id, {trainingFileId, validationFileId, status: 'creating', error: null})
}

async function ensureFile(deps: TuneDeps, recorded: string | null, content: Buffer, remember: (id: string) => Promise<void>): Promise<string> {
  if (recorded !== null) {
    try {
      deps.onProgress?.(`reusing uploaded file ${recorded}`)
      return (await deps.provider.waitForFile(recorded)).id
    } catch (error) {
      if (!isLoopftError(error, 'NOT_FOUND')) throw error // expired or deleted: upload again
    }
  }
  const filename = `loopft-${sha256(content).slice(0, 16)}.jsonl`
  const size = `${(content.length / 1024).toFixed(1)} KiB`
  const file = await uploadOnce(deps, content, filename, size)
  await remember(file.id)
  deps.onProgress?.(`uploaded ${size}; waiting for ${file.id} to be processed`)
  return (await deps.provider.waitForFile(file.id)).id
}

/**
 * Uploads a dataset at most once: before every attempt (the first too: an
 * interrupted run may have uploaded it) the provider is asked for a file of
 * this name and size, so an upload whose answer was lost (a 500 or a dropped
 * connection after the file was stored) is found, not uploaded a second time.
 */
async function uploadOnce(deps: TuneDeps, content: Buffer, filename: string, size: string): Promise<UploadedFile> {
  for (let round = 0; ; round += 1) {
    const found = await deps.provider.findUploadedFile(filename, content.length)
    if (found !== undefined) {
      deps.onProgress?.(`found ${filename} uploaded earlier`)
      return found
    }
    try {
      deps.onProgress?.(`uploading ${filename} (${size})`)
      return await deps.provider.uploadDataset(content, {filename, expiresAfterSeconds: FILE_EXPIRY_SECONDS})
    } catch (error) {
      if (!isTransient(error) || round >= CREATE_ROUNDS - 1) throw error
      await sleep((deps.retryDelayMs ?? 2000) * 2 ** round)
    }
  }
}

/** Creates the job at most once: before every retry (and when resuming) it looks for a job created by an attempt whose answer was lost. */
async function ensureJob(deps: TuneDeps, record: TrainingRecord, lora: boolean | undefined, lookFirst: boolean): Promise<{job: TrainingJob; reconciled: boolean}> {
  const since = new Date(record.createdAt.getTime() - LOOKUP_MARGIN_MS)
  const intent = {metadata: record.metadata, suffix: record.suffix, trainingFileId: record.trainingFileId!}
  for (let round = 0; ; round += 1) {
    try {
      if (round > 0 || lookFirst) {
        deps.onProgress?.('looking for a job created by an earlier attempt')
        const [existing] = (await deps.provider.findJobs(intent, since)).reverse()
        if (existing !== undefined) return {job: existing, reconciled: true}
      }
      deps.onProgress?.(`creating the fine-tuning job on ${record.baseModel}`)
      const job = await deps.provider.createJob({
        baseModel: record.baseModel, trainingFileId: record.trainingFileId!, validationFileId: record.validationFileId,
        suffix: record.suffix, nEpochs: record.nEpochs, metadata: record.metadata, lora,
      })
      return {job, reconciled: false}
    } catch (error) {
      if (isTransient(error) && round < CREATE_ROUNDS - 1) {
        await sleep((deps.retryDelayMs ?? 2000) * 2 ** round)
        continue
      }
      if (isTransient(error)) {
        throw new LoopftError('API_ERROR', `creating the job failed ${CREATE_ROUNDS} times: ${(error as Error).message}`, {
          suggestion: 'run loopft tune again: it looks the job up before creating another', details: (error as LoopftError).details, cause: error,
        })
      }
      const {code, message} = isLoopftError(error) ? error : {code: 'UNEXPECTED', message: String(error)}
      await updateRecord(deps.db.sql, record.id, {status: 'failed', error: {code, message}})
      throw error
    }
  }
}
