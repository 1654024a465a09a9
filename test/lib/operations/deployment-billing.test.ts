import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {loadConfig} from '../../../src/lib/config.js'
import {readGoldSet} from '../../../src/lib/evaluation/gold-set.js'
import {cycleSteps} from '../../../src/lib/operations/cycle-steps.js'
import {runCycle} from '../../../src/lib/operations/cycle.js'
import {executePrune, planPrune} from '../../../src/lib/operations/prune.js'
import {readStatus} from '../../../src/lib/operations/status.js'
import {listRunningDeployments, stopDeployment} from '../../../src/lib/serving/deploy.js'
import {promoteModel} from '../../../src/lib/serving/promote.js'
import {recordEvaluation} from '../../../src/lib/serving/registry.js'
import {createChatClient} from '../../../src/lib/training/providers.js'
import {createTogetherProvider} from '../../../src/lib/training/together-provider.js'
import {startFineTune} from '../../../src/lib/training/tune.js'
import {watchFineTuneJob} from '../../../src/lib/training/watch.js'
import {useTestDatabase} from '../../support/db.js'
import {goldAnswers} from '../../support/eval-standin.js'
import {fairJudge} from '../../support/judge-behaviour.js'
import {useTogetherStandin} from '../../support/providers.js'
import {HARDWARE} from '../../support/together-standin.js'
import {addExportRun, dataset} from '../training/fixtures.js'

const GOLD_FILE = path.resolve('examples/gold.jsonl')
const BASE = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference'
const BASELINE = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo'
const JUDGE = 'meta-llama/Llama-3.3-70B-Instruct-Turbo'
const PER_DAY = (HARDWARE.centsPerMinute * 60 * 24) / 100
const YEAR = 365 * 86_400_000

describe('what bills by time: status shows it, prune stops it when idle, cycle stops a failed candidate\'s endpoint', () => {
  const t = useTestDatabase()
  const together = useTogetherStandin({advanceOnPoll: true})
  let dir: string

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-billing-'))
    await t.sql`truncate loopft_cycles, loopft_training_jobs, loopft_models, loopft_config, loopft_promotions, loopft_evaluations, loopft_eval_answers, loopft_export_runs, loopft_deployments cascade`
  })
  afterEach(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  const config = () => loadConfig({outDir: dir, baseModel: BASE, provider: 'together'}, {
    ...together.env(), LOOPFT_GOLD_FILE: GOLD_FILE, LOOPFT_DEFAULT_TEXT_MODEL: `together:${BASELINE}`, LOOPFT_JUDGE_MODEL: `together:${JUDGE}`,
  })
  const provider = () => createTogetherProvider(together.client({maxRetries: 2}), {filePollMs: 1})
  async function trainAndDeploy(seed: number): Promise<string> {
    const file = path.join(dir, `train-${seed}.jsonl`)
    await fs.writeFile(file, dataset(12, seed * 100))
    const started = await startFineTune({db: t.db, provider: provider(), retryDelayMs: 1}, {file, baseModel: BASE, epochs: 1, dryRun: false, force: false, outDir: dir, loopftVersion: 'test'})
    const watched = await watchFineTuneJob({sql: t.sql, provider: provider()}, {jobId: started.record!.jobId!, intervalMs: 1, timeoutMs: 30_000, stuckAfterMs: 3_600_000})
    return watched.fineTunedModel
  }
  const endpointOf = (model: string) => [...together.standin.endpoints.values()].find((endpoint) => endpoint.name === model)!

  it('status lists each running endpoint with its cost per day; prune stops the one nothing serves, rolls back to or evaluates', async function () {
    this.timeout(60_000)
    const served = await trainAndDeploy(1)
    const idle = await trainAndDeploy(2)
    const waiting = await trainAndDeploy(3)
    await promoteModel({sql: t.sql, clientFor: (name) => createChatClient(config(), name), textModel: BASELINE}, {model: served, force: true, reason: 'test', actor: 'tester'})
    await recordEvaluation(t.sql, idle, {verdict: 'fail', evaluationId: 1, baseline: BASELINE, primaryMetric: 'win_rate', difference: -0.2, at: new Date().toISOString()})

    const status = await readStatus(t.sql)
    assert.deepEqual(status.deployments.map((deployment) => [deployment.model, deployment.status, deployment.costPerDayUsd]).sort(), [[served, 'ready', PER_DAY], [idle, 'ready', PER_DAY], [waiting, 'ready', PER_DAY]].sort())

    const dirs = {outDir: dir, archiveDir: path.join(dir, 'archive')}
    const plan = await planPrune({db: t.db, ...dirs}, {modelsOlderThanMs: YEAR, archiveOlderThanMs: YEAR})
    assert.deepEqual(plan.deployments.map((deployment) => deployment.model), [idle], 'the served model and a candidate still waiting for its evaluation keep theirs')
    const report = await executePrune({db: t.db, ...dirs, stopDeployment: (deployment) => stopDeployment({sql: t.sql, provider: provider()}, deployment)}, plan)
    assert.deepEqual([report.stoppedDeployments, report.failures, endpointOf(idle).state, endpointOf(served).state], [[idle], [], 'STOPPING', 'STARTED'])
    assert.deepEqual((await readStatus(t.sql)).deployments.map((deployment) => deployment.model).sort(), [served, waiting].sort())
  })

  it('cycle stops the endpoint of a candidate that failed the gate', async function () {
    this.timeout(60_000)
    const gold = (await readGoldSet(GOLD_FILE)).items
    together.standin.setChatBehaviour(JUDGE, fairJudge)
    together.standin.setChatBehaviour(BASELINE, goldAnswers(gold, () => true))
    await addExportRun(t.sql, dir, {windowEnd: new Date(Date.now() - 3_600_000), content: dataset(12)})
    const steps = cycleSteps({db: t.db, provider: provider(), config: config(), loopftVersion: 'test', sinceMs: 7 * 86_400_000, watch: {intervalMs: 1, timeoutMs: 30_000}})
    const summary = await runCycle({db: t.db, steps, autoPromote: true, sinceMs: 7 * 86_400_000}, {dryRun: false})
    assert.deepEqual([summary.outcome, endpointOf(summary.candidate!).state, await listRunningDeployments(t.sql)], ['gate-failed', 'STOPPING', []])
  })
})
