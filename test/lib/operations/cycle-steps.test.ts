import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {loadConfig} from '../../../src/lib/config.js'
import {runCycle, type CycleProgress, type CycleSteps} from '../../../src/lib/operations/cycle.js'
import {cycleSteps} from '../../../src/lib/operations/cycle-steps.js'
import {readGoldSet} from '../../../src/lib/evaluation/gold-set.js'
import {readServingConfig} from '../../../src/lib/runtime/serving-row.js'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import {useTestDatabase} from '../../support/db.js'
import {goldAnswers} from '../../support/eval-standin.js'
import {fairJudge} from '../../support/judge-behaviour.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {addExportRun, dataset} from '../training/fixtures.js'

const GOLD_FILE = path.resolve('examples/gold.jsonl')
const WEEK = 7 * 86_400_000

describe('cycle with the real steps (stand-in)', () => {
  const database = useTestDatabase()
  const openai = useOpenAIStandin({advanceOnPoll: true})
  let outDir: string
  let reported: CycleProgress[]

  beforeEach(async () => {
    reported = []
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-cycle-'))
    await database.sql`truncate loopft_cycles, loopft_training_jobs, loopft_training_events, loopft_training_metrics, loopft_models, loopft_config, loopft_promotions, loopft_evaluations, loopft_eval_answers, loopft_export_runs cascade`
    await addExportRun(database.sql, outDir, {windowEnd: new Date(Date.now() - 3_600_000), content: dataset(12)})
  })
  afterEach(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  async function steps(candidateIsBetter: boolean, env: Record<string, string> = {}): Promise<CycleSteps> {
    const gold = await readGoldSet(GOLD_FILE)
    openai.standin.setChatBehaviour('gpt-4o-mini', goldAnswers(gold.items, (line) => line % 2 === 0))
    // Settings cycle shares with evaluate and promote, read through the same loader.
    openai.standin.setChatBehaviour('gpt-4.1-mini', fairJudge)
    const client = openai.client()
    const config = loadConfig({outDir}, {...openai.env(), LOOPFT_GOLD_FILE: GOLD_FILE, LOOPFT_ACTOR: 'cycle-test', LOOPFT_JUDGE_MODEL: 'gpt-4.1-mini', ...env})
    const real = cycleSteps({
      db: database.db, provider: createOpenAIProvider(client, {filePollMs: 1}), openai: client, config, loopftVersion: 'test',
      sinceMs: WEEK, watch: {intervalMs: 1, timeoutMs: 60_000}, onProgress: (progress) => reported.push(progress),
    })
    return {
      ...real,
      // The fine-tuned model's name is known only once the job succeeds: give it its answers then.
      evaluate: (candidate) => {
        openai.standin.setChatBehaviour(candidate, goldAnswers(gold.items, (line) => candidateIsBetter || line % 2 === 0))
        return real.evaluate(candidate)
      },
    }
  }

  it('trains, watches, evaluates and promotes a better candidate, then has nothing to do the next time', async function () {
    this.timeout(60_000)
    const deps = {db: database.db, steps: await steps(true), autoPromote: true, sinceMs: WEEK}
    const first = await runCycle(deps, {dryRun: false})
    assert.deepEqual([first.outcome, first.error, Object.values(first.steps).map((step) => step.state)], ['promoted', null, ['done', 'done', 'done', 'done']])
    assert.match(first.candidate ?? '', /^ft:gpt-4o-mini-2024-07-18:standin-org:/)
    assert.equal((await readServingConfig(database.sql)).model, first.candidate)
    assert.equal(openai.standin.store.jobs.size, 1)
    const [evaluation] = await database.sql`select judge_model from loopft_evaluations order by id desc limit 1`
    const [promotion] = await database.sql`select actor from loopft_promotions order by id desc limit 1`
    assert.deepEqual([evaluation.judge_model, promotion.actor], ['gpt-4.1-mini', 'cycle-test'])

    const second = await runCycle(deps, {dryRun: false})
    assert.deepEqual([second.outcome, openai.standin.store.jobs.size], ['nothing-to-do', 1])
  })

  it('reports the upload, the job events as they arrive, the wait for the job and the evaluation\'s progress', async function () {
    this.timeout(60_000)
    await runCycle({db: database.db, steps: await steps(true), autoPromote: false, sinceMs: WEEK}, {dryRun: false})
    const lines = (step: string) => reported.flatMap((progress) => (progress.type === 'line' && progress.step === step ? [progress.text] : []))
    const waits = (step: string) => reported.flatMap((progress) => (progress.type === 'waiting' && progress.step === step ? [progress] : []))
    assert.ok(lines('tune').some((text) => /^uploading loopft-\w+\.jsonl/.test(text)), lines('tune').join('\n'))
    const events = lines('watch').filter((text) => text.startsWith('job event: '))
    const [job] = [...openai.standin.store.jobs.values()]
    const standinEvents = (openai.standin.store.events.get(job.id) ?? []).map((event) => `job event: ${event.message}`)
    assert.ok(events.length > 0, 'the job had events')
    assert.deepEqual(events, standinEvents, 'each job event once, oldest first')
    assert.match(waits('watch')[0]?.waitingFor ?? '', /^job ftjob-\S+ to finish training \((queued|validating_files|running)\)$/)
    const evaluation = waits('evaluate')
    const gold = await readGoldSet(GOLD_FILE)
    assert.deepEqual([evaluation[0]?.done, evaluation.at(-1)?.done, evaluation.at(-1)?.total], [0, gold.items.length, gold.items.length])
  })

  it('does not promote a candidate that is no better', async function () {
    this.timeout(60_000)
    const first = await runCycle({db: database.db, steps: await steps(false), autoPromote: true, sinceMs: WEEK}, {dryRun: false})
    assert.deepEqual([first.outcome, first.steps.evaluate.state, (await readServingConfig(database.sql)).model], ['gate-failed', 'done', null])
  })

  it('checks the gold set and the models before uploading anything, and reports every check', async () => {
    const missingGold = path.join(outDir, 'no-such-gold.jsonl')
    const deps = {db: database.db, steps: await steps(true, {LOOPFT_GOLD_FILE: missingGold, LOOPFT_JUDGE_MODEL: 'gpt-9-judge'}), autoPromote: true, sinceMs: WEEK}
    const preview = await runCycle(deps, {dryRun: true})
    assert.equal(preview.outcome, 'checks-failed')
    assert.deepEqual(preview.checks.map((check) => [check.name, check.passed, check.code]), [
      ['gold set', false, 'INPUT_INVALID'], ['judge rubric', true, undefined], ['API key', true, undefined], ['base model', true, undefined], ['baseline model', true, undefined],
      ['judge model', false, 'NOT_FOUND'],
    ])
    const summary = await runCycle(deps, {dryRun: false})
    assert.deepEqual([summary.outcome, summary.error?.code], ['failed', 'INPUT_INVALID'])
    assert.ok(summary.error?.message.includes(missingGold))
    assert.equal(openai.standin.requests.filter((request) => request.path.startsWith('/files') || request.path.startsWith('/fine_tuning')).length, 0, 'nothing uploaded, no job')
  })
})
