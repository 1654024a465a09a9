import type {Database, Sql} from '../db/connection.js'
import {LoopftError, isLoopftError} from '../errors.js'
import {toLoopftError} from '../error-translation.js'
import {withRunLock} from '../db/run-locks.js'
import {CYCLE_STEPS, countNewExports, findRunningCycle, finishCycle, isJobHandled, saveStep, startCycle, type CycleRow, type CycleStepName, type StepState} from './cycle-state.js'
import {formatSigned, formatUsd} from '../format.js'
import type {PreflightCheck} from './preflight.js'

/** The four steps, as the cycle needs them; cycle-steps.ts wires tune, watch-job, evaluate and promote. */
export interface CycleSteps {
  /** What must hold before anything is uploaded or paid for: the gold set, the key, access to the models. */
  preflight(): Promise<PreflightCheck[]>
  tune(options: {dryRun: boolean}): Promise<TuneOutcome>
  /** Resolves with the fine-tuned model; STILL_RUNNING when the job outlasts the watch. */
  watch(jobId: string): Promise<{model: string}>
  evaluate(candidate: string): Promise<{evaluationId: number; verdict: 'pass' | 'fail'; baseline: string; difference: number}>
  promote(candidate: string, reason: string): Promise<{message: string}>
}

export type {PreflightCheck} from './preflight.js'

/**
 * What a running cycle reports as it goes: a line worth keeping (a step began or
 * ended, a job event, an upload), or a long wait and what it waits for (the
 * renderer adds how long it has waited).
 */
export type CycleProgress =
  | {type: 'line'; step: CycleStepName; text: string}
  | {type: 'waiting'; step: CycleStepName; waitingFor: string; done?: number; total?: number}

export interface TuneOutcome {
  outcome: 'dry-run' | 'skipped' | 'created' | 'reconciled'
  /** Why tune skipped (or would skip). */
  reason: string | null
  jobId: string | null
  examples: number
  estimatedCostUsd: number
}

export interface CycleDeps {
  db: Database
  steps: CycleSteps
  autoPromote: boolean
  /** New data = export runs whose window ended within this long. */
  sinceMs: number
  now?: () => Date
  onProgress?: (progress: CycleProgress) => void
}

export type CycleOutcome =
  | 'nothing-to-do' | 'budget-reached' | 'promoted' | 'awaiting-approval' | 'gate-failed' | 'still-training' | 'failed'
  | 'would-run' | 'would-resume' | 'checks-failed'

export interface CycleSummary {
  cycleId: number | null
  dryRun: boolean
  /** This run continued a cycle an earlier run left unfinished. */
  resumed: boolean
  outcome: CycleOutcome
  steps: Record<CycleStepName, StepState>
  jobId: string | null
  candidate: string | null
  evaluationId: number | null
  /** The checks made before spending (empty when the cycle had nothing to train or resumed past tune). */
  checks: PreflightCheck[]
  error: {code: string; message: string} | null
}

const TERMINAL_JOB_ERRORS = new Set(['JOB_FAILED', 'JOB_CANCELLED'])

/**
 * The weekly loop: tune on the new exports → watch the job → evaluate the
 * candidate against the promoted model → promote on a passing gate (only with
 * autoPromote; otherwise it waits for a person). Locked against overlap; each
 * step's state is saved as it ends, so a run after a crash resumes at the first
 * unfinished step. Returns one summary; failures are in `error`, never thrown.
 */
export async function runCycle(deps: CycleDeps, options: {dryRun: boolean}): Promise<CycleSummary> {
  if (options.dryRun) return previewCycle(deps)
  return withRunLock(deps.db, 'cycle', async () => {
    const {sql} = deps.db
    const running = await findRunningCycle(sql)
    const cycle = running ?? (await startCycle(sql))
    const checks: PreflightCheck[] = []
    let step: CycleStepName = 'tune'
    try {
      for (step of CYCLE_STEPS) {
        if (isFinal(cycle.steps[step])) continue
        deps.onProgress?.({type: 'line', step, text: cycle.steps[step] === undefined ? 'started' : `resumed (${cycle.steps[step]?.state})`})
        const outcome = await STEP_RUNNERS[step](deps, cycle, checks)
        deps.onProgress?.({type: 'line', step, text: `${cycle.steps[step]?.state}: ${cycle.steps[step]?.detail}`})
        if (outcome !== undefined) return await finish(sql, cycle, running !== undefined, outcome, checks)
      }
      // Every step was already final: a run died between its last step and marking the cycle finished.
      const decided = CYCLE_STEPS.map((name) => cycle.steps[name]?.outcome).find((outcome) => outcome !== undefined)
      return await finish(sql, cycle, running !== undefined, (decided ?? 'promoted') as CycleOutcome, checks)
    } catch (error) {
      const failure = toLoopftError(error)
      const waiting = failure.code === 'STILL_RUNNING'
      await saveStep(sql, cycle, step, {state: waiting ? 'waiting' : 'failed', detail: `${failure.code}: ${failure.message}`})
      // A failed or cancelled job, or a failed check before spending, ends the cycle (the next run starts afresh);
      // anything else (API trouble, a timeout) is resumed by the next run.
      if (TERMINAL_JOB_ERRORS.has(failure.code) || failure.details?.preflight === true) await finishCycle(sql, cycle, 'failed', {code: failure.code, message: failure.message})
      return summarise(cycle, {dryRun: false, resumed: running !== undefined, outcome: waiting ? 'still-training' : 'failed', error: {code: failure.code, message: failure.message}, checks})
    }
  })
}

/** The failure for a summary that carries an error: its own code, carrying the summary. */
export function cycleFailure(summary: CycleSummary): LoopftError | undefined {
  if (summary.error === null) return undefined
  const resume = summary.outcome === 'failed' && summary.cycleId !== null ? 'run loopft cycle again to resume it' : undefined
  return new LoopftError(summary.error.code as never, `cycle #${summary.cycleId}: ${summary.error.message}`, {
    suggestion: summary.outcome === 'still-training' ? 'the job is still training: run loopft cycle again later to resume' : resume,
    result: summary,
  })
}

/** What happened, in one sentence: the detail of the step that decided the outcome, else the error. */
export function describeOutcome(summary: CycleSummary): string {
  const deciding = CYCLE_STEPS.map((step) => summary.steps[step]).find((step) => step.outcome === summary.outcome)
  if (deciding !== undefined) return deciding.detail
  if (summary.error !== null) return `${summary.error.code}: ${summary.error.message}`
  const last = CYCLE_STEPS.map((step) => summary.steps[step]).findLast((step) => step.state === 'done')
  return (last ?? summary.steps.tune).detail
}

type StepRunner = (deps: CycleDeps, cycle: CycleRow, checks: PreflightCheck[]) => Promise<CycleOutcome | undefined>

/** Runs the checks into `into`; the first failed one becomes the error that stops the cycle before it spends. */
async function checkBeforeSpending(deps: CycleDeps, into: PreflightCheck[]): Promise<void> {
  deps.onProgress?.({type: 'waiting', step: 'tune', waitingFor: 'the checks before spending (gold set, key, models)'})
  into.push(...(await deps.steps.preflight()))
  const failed = into.find((check) => !check.passed)
  deps.onProgress?.({type: 'line', step: 'tune', text: `checks before spending: ${into.filter((check) => check.passed).length} of ${into.length} passed`})
  if (failed !== undefined) {
    throw new LoopftError(failed.code ?? 'CHECK_FAILED', `before spending: ${failed.name}: ${failed.detail}`, {details: {preflight: true}})
  }
}

const STEP_RUNNERS: Record<CycleStepName, StepRunner> = {
  async tune(deps, cycle, checks) {
    const {sql} = deps.db
    const since = new Date((deps.now?.() ?? new Date()).getTime() - deps.sinceMs)
    if ((await countNewExports(sql, since)) === 0) return skipRest(sql, cycle, 'tune', `no export run ended since ${since.toISOString()}`, 'nothing-to-do')
    await checkBeforeSpending(deps, checks)
    let tuned: TuneOutcome
    try {
      tuned = await deps.steps.tune({dryRun: false})
    } catch (error) {
      if (isLoopftError(error, 'BUDGET_EXCEEDED')) return skipRest(sql, cycle, 'tune', `budget reached: ${error.message}`, 'budget-reached')
      throw error
    }
    if (tuned.jobId === null) return skipRest(sql, cycle, 'tune', tuned.reason ?? 'tune started no job', 'nothing-to-do')
    if (tuned.outcome === 'skipped' && (await isJobHandled(sql, tuned.jobId))) {
      return skipRest(sql, cycle, 'tune', `${tuned.reason ?? 'already trained'} (job ${tuned.jobId}, handled by an earlier cycle)`, 'nothing-to-do')
    }
    const detail = tuned.outcome === 'skipped' ? `continuing with job ${tuned.jobId}: ${tuned.reason}` : `job ${tuned.jobId}: ${tuned.examples} examples, estimated ${formatUsd(tuned.estimatedCostUsd)}`
    await saveStep(sql, cycle, 'tune', {state: 'done', detail}, {jobId: tuned.jobId})
    return undefined
  },

  async watch(deps, cycle) {
    const {model} = await deps.steps.watch(cycle.jobId as string)
    await saveStep(deps.db.sql, cycle, 'watch', {state: 'done', detail: `job ${cycle.jobId} succeeded: ${model}`}, {candidate: model})
    return undefined
  },

  async evaluate(deps, cycle) {
    const result = await deps.steps.evaluate(cycle.candidate as string)
    const detail = `evaluation #${result.evaluationId} against ${result.baseline}: ${result.verdict} (difference ${formatSigned(result.difference, 3)})`
    await saveStep(deps.db.sql, cycle, 'evaluate', {state: 'done', detail}, {evaluationId: result.evaluationId})
    return undefined
  },

  async promote(deps, cycle) {
    const {sql} = deps.db
    const [evaluation] = await sql<{verdict: string}[]>`select verdict from loopft_evaluations where id = ${cycle.evaluationId}`
    if (evaluation?.verdict !== 'pass') {
      await saveStep(sql, cycle, 'promote', {state: 'skipped', detail: `${cycle.candidate} did not pass the gate; serving is unchanged`, outcome: 'gate-failed'})
      return 'gate-failed'
    }
    if (!deps.autoPromote) {
      await saveStep(sql, cycle, 'promote', {state: 'skipped', detail: `awaiting approval: loopft promote ${cycle.candidate}`, outcome: 'awaiting-approval'})
      return 'awaiting-approval'
    }
    const promoted = await deps.steps.promote(cycle.candidate as string, `loopft cycle #${cycle.id}: evaluation #${cycle.evaluationId} passed`)
    await saveStep(sql, cycle, 'promote', {state: 'done', detail: promoted.message, outcome: 'promoted'})
    return 'promoted'
  },
}

async function skipRest(sql: Sql, cycle: CycleRow, from: CycleStepName, reason: string, outcome: CycleOutcome): Promise<CycleOutcome> {
  for (const step of CYCLE_STEPS.slice(CYCLE_STEPS.indexOf(from))) {
    await saveStep(sql, cycle, step, step === from ? {state: 'skipped', detail: reason, outcome} : {state: 'skipped', detail: 'nothing to do'})
  }
  return outcome
}

async function finish(sql: Sql, cycle: CycleRow, resumed: boolean, outcome: CycleOutcome, checks: PreflightCheck[]): Promise<CycleSummary> {
  await finishCycle(sql, cycle, 'succeeded')
  return summarise(cycle, {dryRun: false, resumed, outcome, error: null, checks})
}

/** What a run would do now; starts, records and spends nothing. */
async function previewCycle(deps: CycleDeps): Promise<CycleSummary> {
  const {sql} = deps.db
  const running = await findRunningCycle(sql)
  if (running !== undefined) return summarise(running, {dryRun: true, resumed: true, outcome: 'would-resume', error: null, checks: []})
  const preview: CycleRow = {id: 0, status: 'running', steps: {}, jobId: null, candidate: null, evaluationId: null, startedAt: new Date()}
  const since = new Date((deps.now?.() ?? new Date()).getTime() - deps.sinceMs)
  const checks: PreflightCheck[] = []
  const skip = (reason: string, outcome: CycleOutcome) => {
    preview.steps.tune = {state: 'skipped', detail: reason}
    return summarise(preview, {dryRun: true, resumed: false, outcome, error: null, cycleId: null, checks})
  }
  if ((await countNewExports(sql, since)) === 0) return skip(`no export run ended since ${since.toISOString()}`, 'nothing-to-do')
  checks.push(...(await deps.steps.preflight()))
  const failed = checks.find((check) => !check.passed)
  if (failed !== undefined) return skip(`a check before spending failed: ${failed.name}: ${failed.detail}`, 'checks-failed')
  let plan: TuneOutcome
  try {
    plan = await deps.steps.tune({dryRun: true})
  } catch (error) {
    if (isLoopftError(error, 'BUDGET_EXCEEDED')) return skip(`budget reached: ${error.message}`, 'budget-reached')
    throw error
  }
  if (plan.reason !== null) return skip(plan.reason, 'nothing-to-do')
  preview.steps = {
    tune: {state: 'pending', detail: `would train ${plan.examples} examples, estimated ${formatUsd(plan.estimatedCostUsd)}`},
    watch: {state: 'pending', detail: 'would wait for the job'},
    evaluate: {state: 'pending', detail: 'would evaluate the candidate against the promoted model'},
    promote: {state: 'pending', detail: deps.autoPromote ? 'would promote it if it passes the gate' : 'would leave a passing candidate for a person (loopft promote)'},
  }
  return summarise(preview, {dryRun: true, resumed: false, outcome: 'would-run', error: null, cycleId: null, checks})
}

function summarise(cycle: CycleRow, fields: Pick<CycleSummary, 'dryRun' | 'resumed' | 'outcome' | 'error' | 'checks'> & {cycleId?: null}): CycleSummary {
  const steps = Object.fromEntries(CYCLE_STEPS.map((step) => [step, cycle.steps[step] ?? {state: 'pending', detail: ''}])) as Record<CycleStepName, StepState>
  const {checks, ...rest} = fields
  return {cycleId: fields.cycleId === null ? null : cycle.id, ...rest, steps, jobId: cycle.jobId, candidate: cycle.candidate, evaluationId: cycle.evaluationId, checks}
}

function isFinal(state: StepState | undefined): boolean {
  return state?.state === 'done' || state?.state === 'skipped'
}
