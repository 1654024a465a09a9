import assert from 'node:assert/strict'
import {cycleFailure, describeOutcome, runCycle, type CycleDeps, type CycleProgress, type CycleSteps, type TuneOutcome} from '../../../src/lib/operations/cycle.js'
import {LoopftError} from '../../../src/lib/errors.js'
import {useTestDatabase} from '../../support/db.js'

const NOW = new Date('2026-11-29T03:00:00Z')
const WEEK = 7 * 86_400_000
const CANDIDATE = 'ft:gpt-4o-mini-2024-07-18:org:loopft-20261129:abc'

type Behaviour = {[K in keyof CycleSteps]?: (...args: Parameters<CycleSteps[K]>) => ReturnType<CycleSteps[K]>}

describe('cycle', () => {
  const database = useTestDatabase()
  let calls: string[]

  /** Steps that record their calls; each can be replaced per test. */
  function fakeSteps(overrides: Behaviour = {}, verdict: 'pass' | 'fail' = 'pass'): CycleSteps {
    const created: TuneOutcome = {outcome: 'created', reason: null, jobId: 'ftjob-1', examples: 120, estimatedCostUsd: 0.42}
    const defaults: CycleSteps = {
      preflight: async () => [{name: 'gold set', passed: true, detail: '60 items'}],
      tune: async ({dryRun}) => (dryRun ? {...created, outcome: 'dry-run', jobId: null} : created),
      watch: async () => ({model: CANDIDATE}),
      evaluate: async (candidate) => {
        const [row] = await database.sql<{id: string}[]>`
          insert into loopft_evaluations (candidate, baseline, judge_model, gold_path, gold_sha256, items, primary_metric, min_improvement, verdict, difference, ci_low, ci_high, result)
          values (${candidate}, 'gpt-4o-mini', 'gpt-4.1', 'gold.jsonl', 'x', 50, 'judge', 0.02, ${verdict}, 0.1, 0.05, 0.15, '{}') returning id`
        return {evaluationId: Number(row.id), verdict, baseline: 'gpt-4o-mini', difference: 0.1}
      },
      promote: async (candidate) => ({message: `promoted ${candidate}`}),
    }
    const steps = {...defaults, ...overrides} as CycleSteps
    return {
      preflight: () => (calls.push('preflight'), steps.preflight()),
      tune: (options) => (calls.push(`tune${options.dryRun ? ':dry' : ''}`), steps.tune(options)),
      watch: (jobId) => (calls.push(`watch:${jobId}`), steps.watch(jobId)),
      evaluate: (candidate) => (calls.push('evaluate'), steps.evaluate(candidate)),
      promote: (candidate, reason) => (calls.push('promote'), steps.promote(candidate, reason)),
    }
  }

  const deps = (steps: CycleSteps, autoPromote = true): CycleDeps => ({db: database.db, steps, autoPromote, sinceMs: WEEK, now: () => NOW})

  beforeEach(async () => {
    calls = []
    await database.sql`truncate loopft_cycles, loopft_export_runs cascade`
    await database.sql`truncate loopft_evaluations`
  })

  async function addExport(endsDaysAgo: number): Promise<void> {
    const end = new Date(NOW.getTime() - endsDaysAgo * 86_400_000)
    await database.sql`
      insert into loopft_export_runs (idempotency_key, status, window_start, window_end, out_dir)
      values (${`export:${end.toISOString()}`}, 'succeeded', ${new Date(end.getTime() - 86_400_000)}, ${end}, '/tmp')`
  }

  const cycleRows = async () => (await database.sql<{status: string}[]>`select status from loopft_cycles order by id`).map((row) => ({status: row.status}))

  it('skips every step cleanly when no export ran since the last week', async () => {
    await addExport(9)
    const summary = await runCycle(deps(fakeSteps()), {dryRun: false})
    assert.deepEqual([summary.outcome, summary.error, calls], ['nothing-to-do', null, []])
    assert.deepEqual(Object.values(summary.steps).map((step) => step.state), ['skipped', 'skipped', 'skipped', 'skipped'])
    assert.deepEqual(await cycleRows(), [{status: 'succeeded'}])
  })

  it('skips when the monthly budget is reached', async () => {
    await addExport(1)
    const overBudget = async (): Promise<TuneOutcome> => {
      throw new LoopftError('BUDGET_EXCEEDED', 'estimated cost $3.00 plus $9.00 spent this month exceeds the monthly budget $10.00')
    }
    const summary = await runCycle(deps(fakeSteps({tune: overBudget})), {dryRun: false})
    assert.deepEqual([summary.outcome, summary.steps.tune.state, cycleFailure(summary)], ['budget-reached', 'skipped', undefined])
  })

  it('runs tune → watch → evaluate → promote on a passing gate with auto-promote', async () => {
    await addExport(1)
    const summary = await runCycle(deps(fakeSteps()), {dryRun: false})
    assert.deepEqual([summary.outcome, summary.jobId, summary.candidate, calls], ['promoted', 'ftjob-1', CANDIDATE, ['preflight', 'tune', 'watch:ftjob-1', 'evaluate', 'promote']])
    assert.deepEqual(Object.values(summary.steps).map((step) => step.state), ['done', 'done', 'done', 'done'])
  })

  it('reports one line as each step starts and ends, the checks before spending, and ends with what happened', async () => {
    await addExport(1)
    const reported: CycleProgress[] = []
    const summary = await runCycle({...deps(fakeSteps(), false), onProgress: (progress) => reported.push(progress)}, {dryRun: false})
    const lines = reported.filter((progress) => progress.type === 'line').map((progress) => `${progress.step}: ${progress.text}`)
    assert.deepEqual(lines, [
      'tune: started', 'tune: checks before spending: 1 of 1 passed', 'tune: done: job ftjob-1: 120 examples, estimated $0.42',
      'watch: started', `watch: done: job ftjob-1 succeeded: ${CANDIDATE}`,
      'evaluate: started', `evaluate: done: evaluation #${summary.evaluationId} against gpt-4o-mini: pass (difference +0.100)`,
      'promote: started', `promote: skipped: awaiting approval: loopft promote ${CANDIDATE}`,
    ])
    assert.deepEqual(reported.filter((progress) => progress.type === 'waiting').map((progress) => progress.step), ['tune'], 'the checks are a wait of their own')
    assert.equal(describeOutcome(summary), `awaiting approval: loopft promote ${CANDIDATE}`)
  })

  it('says what happened when nothing was new, and when a step failed', async () => {
    const idle = await runCycle(deps(fakeSteps()), {dryRun: false})
    assert.match(describeOutcome(idle), /^no export run ended since /)
    await addExport(1)
    const failing = async (): Promise<{model: string}> => {
      throw new LoopftError('JOB_FAILED', 'job ftjob-1 failed: invalid_file')
    }
    const failed = await runCycle(deps(fakeSteps({watch: failing})), {dryRun: false})
    assert.equal(describeOutcome(failed), 'JOB_FAILED: job ftjob-1 failed: invalid_file')
  })

  it('leaves a passing candidate for a person without auto-promote', async () => {
    await addExport(1)
    const summary = await runCycle(deps(fakeSteps(), false), {dryRun: false})
    assert.deepEqual([summary.outcome, summary.steps.promote.detail, calls.includes('promote')], ['awaiting-approval', `awaiting approval: loopft promote ${CANDIDATE}`, false])
  })

  it('never promotes a candidate that failed the gate', async () => {
    await addExport(1)
    const summary = await runCycle(deps(fakeSteps({}, 'fail')), {dryRun: false})
    assert.deepEqual([summary.outcome, summary.steps.promote.state, calls.includes('promote'), summary.error], ['gate-failed', 'skipped', false, null])
  })

  for (const [crashAt, expectedResume] of [['watch', ['watch:ftjob-1', 'evaluate', 'promote']], ['evaluate', ['evaluate', 'promote']], ['promote', ['promote']]] as const) {
    it(`resumes at ${crashAt} after a failure there, without repeating finished steps`, async () => {
      await addExport(1)
      const crash = async () => {
        throw new Error('ECONNRESET while the process was going down')
      }
      const first = await runCycle(deps(fakeSteps({[crashAt]: crash})), {dryRun: false})
      assert.deepEqual([first.outcome, first.steps[crashAt].state, cycleFailure(first)?.code], ['failed', 'failed', 'UNEXPECTED'])
      assert.deepEqual(await cycleRows(), [{status: 'running'}])
      calls = []
      const second = await runCycle(deps(fakeSteps()), {dryRun: false})
      assert.deepEqual([second.resumed, second.cycleId, second.outcome, calls], [true, first.cycleId, 'promoted', expectedResume])
      assert.deepEqual(await cycleRows(), [{status: 'succeeded'}])
    })
  }

  it('resumes a cycle whose process died right after tune (row left running)', async () => {
    await addExport(1)
    await database.sql`insert into loopft_cycles (steps, job_id) values (${database.sql.json({tune: {state: 'done', detail: 'job ftjob-9'}})}, 'ftjob-9')`
    const summary = await runCycle(deps(fakeSteps()), {dryRun: false})
    assert.deepEqual([summary.resumed, calls], [true, ['watch:ftjob-9', 'evaluate', 'promote']])
  })

  it('reports the recorded outcome when a run died after its last step but before finishing', async () => {
    const steps = {tune: {state: 'done', detail: 'x'}, watch: {state: 'done', detail: 'x'}, evaluate: {state: 'done', detail: 'x'}, promote: {state: 'skipped', detail: 'x', outcome: 'gate-failed'}}
    await database.sql`insert into loopft_cycles (steps, job_id, candidate) values (${database.sql.json(steps)}, 'ftjob-3', ${CANDIDATE})`
    const summary = await runCycle(deps(fakeSteps()), {dryRun: false})
    assert.deepEqual([summary.outcome, calls], ['gate-failed', []])
    assert.deepEqual(await cycleRows(), [{status: 'succeeded'}])
  })

  it('keeps watching next time when the job outlasts the watch (STILL_RUNNING)', async () => {
    await addExport(1)
    const stillRunning = async (): Promise<{model: string}> => {
      throw new LoopftError('STILL_RUNNING', 'job ftjob-1 is still running after 6h')
    }
    const first = await runCycle(deps(fakeSteps({watch: stillRunning})), {dryRun: false})
    assert.deepEqual([first.outcome, first.steps.watch.state, cycleFailure(first)?.exitCode], ['still-training', 'waiting', 17])
    calls = []
    const second = await runCycle(deps(fakeSteps()), {dryRun: false})
    assert.deepEqual([second.outcome, calls[0]], ['promoted', 'watch:ftjob-1'])
  })

  it('ends the cycle when the job failed; the next run starts afresh', async () => {
    await addExport(1)
    const jobFailed = async (): Promise<{model: string}> => {
      throw new LoopftError('JOB_FAILED', 'job ftjob-1 failed: invalid_training_file')
    }
    const first = await runCycle(deps(fakeSteps({watch: jobFailed})), {dryRun: false})
    assert.deepEqual([first.outcome, cycleFailure(first)?.exitCode], ['failed', 9])
    const second = await runCycle(deps(fakeSteps({tune: async () => ({outcome: 'skipped', reason: 'already trained', jobId: 'ftjob-1', examples: 0, estimatedCostUsd: 0})})), {dryRun: false})
    assert.deepEqual([second.outcome, second.resumed], ['nothing-to-do', false])
    assert.deepEqual(await cycleRows(), [{status: 'failed'}, {status: 'succeeded'}])
  })

  it('refuses to overlap with a running cycle', async () => {
    await addExport(1)
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let entered!: () => void
    const inTune = new Promise<void>((resolve) => {
      entered = resolve
    })
    const slowTune = async (): Promise<TuneOutcome> => {
      entered()
      await gate
      return {outcome: 'created', reason: null, jobId: 'ftjob-1', examples: 1, estimatedCostUsd: 0}
    }
    const first = runCycle(deps(fakeSteps({tune: slowTune})), {dryRun: false})
    await inTune
    await assert.rejects(runCycle(deps(fakeSteps()), {dryRun: false}), {code: 'RUN_IN_PROGRESS'})
    release()
    assert.equal((await first).outcome, 'promoted')
  })

  it('--dry-run previews the run and records nothing', async () => {
    await addExport(1)
    const summary = await runCycle(deps(fakeSteps()), {dryRun: true})
    assert.deepEqual([summary.outcome, summary.cycleId, summary.steps.tune.detail, calls], ['would-run', null, 'would train 120 examples, estimated $0.42', ['preflight', 'tune:dry']])
    assert.deepEqual(await cycleRows(), [])
  })

  it('checks before spending: a failed check stops the cycle before tune, with its own code, and the next run starts afresh', async () => {
    await addExport(1)
    const missingGold = async () => [
      {name: 'gold set', passed: false, detail: 'cannot read the gold set /srv/app/gold.jsonl: ENOENT', code: 'INPUT_INVALID' as const},
      {name: 'API key', passed: true, detail: 'set'},
    ]
    const failed = await runCycle(deps(fakeSteps({preflight: missingGold})), {dryRun: false})
    assert.deepEqual([failed.outcome, failed.error?.code, calls], ['failed', 'INPUT_INVALID', ['preflight']], 'nothing was tuned')
    assert.match(failed.error?.message ?? '', /^before spending: gold set: cannot read the gold set/)
    assert.deepEqual(failed.checks.map((check) => check.passed), [false, true])
    assert.deepEqual(await cycleRows(), [{status: 'failed'}], 'the failed cycle is finished, not left to be resumed')

    calls = []
    const fixed = await runCycle(deps(fakeSteps()), {dryRun: false})
    assert.deepEqual([fixed.outcome, fixed.resumed, calls[0]], ['promoted', false, 'preflight'])
  })

  it('--dry-run shows the checks, and a failed one as checks-failed without planning the job', async () => {
    await addExport(1)
    const shown = await runCycle(deps(fakeSteps()), {dryRun: true})
    assert.deepEqual(shown.checks, [{name: 'gold set', passed: true, detail: '60 items'}])
    calls = []
    const noKey = async () => [{name: 'API key', passed: false, detail: 'OPENAI_API_KEY is not set', code: 'CONFIG_INVALID' as const}]
    const refused = await runCycle(deps(fakeSteps({preflight: noKey})), {dryRun: true})
    assert.deepEqual([refused.outcome, refused.steps.tune.detail, calls], ['checks-failed', 'a check before spending failed: API key: OPENAI_API_KEY is not set', ['preflight']])
    assert.deepEqual(await cycleRows(), [])
  })

  it('a week with nothing new is nothing-to-do every time (exit 0, recorded), never a failed cycle to resume', async () => {
    await addExport(9)
    for (let run = 0; run < 3; run++) {
      const summary = await runCycle(deps(fakeSteps()), {dryRun: false})
      assert.deepEqual([summary.outcome, summary.resumed, summary.error, cycleFailure(summary)], ['nothing-to-do', false, null, undefined])
    }
    assert.deepEqual(await cycleRows(), [{status: 'succeeded'}, {status: 'succeeded'}, {status: 'succeeded'}])
    assert.deepEqual(calls, [], 'no check and no tune when there is nothing to train')
  })
})
