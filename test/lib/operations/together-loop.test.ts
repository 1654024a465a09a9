import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {loadConfig} from '../../../src/lib/config.js'
import {readGoldSet, type GoldItem} from '../../../src/lib/evaluation/gold-set.js'
import {cycleSteps} from '../../../src/lib/operations/cycle-steps.js'
import {runCycle} from '../../../src/lib/operations/cycle.js'
import {createRouter} from '../../../src/lib/runtime/router.js'
import {readServingConfig} from '../../../src/lib/runtime/serving-row.js'
import {listRunningDeployments} from '../../../src/lib/serving/deploy.js'
import {rollbackModel} from '../../../src/lib/serving/promote.js'
import {findModel} from '../../../src/lib/serving/registry.js'
import {createChatClient} from '../../../src/lib/training/providers.js'
import {createTogetherProvider} from '../../../src/lib/training/together-provider.js'
import {useTestDatabase} from '../../support/db.js'
import {goldAnswers} from '../../support/eval-standin.js'
import {fairJudge} from '../../support/judge-behaviour.js'
import {useTogetherStandin} from '../../support/providers.js'
import {HARDWARE} from '../../support/together-standin.js'
import {addExportRun, dataset} from '../training/fixtures.js'
import {nextRouterEvent} from '../../support/serving.js'

const GOLD_FILE = path.resolve('examples/gold.jsonl')
const WEEK = 7 * 86_400_000
const BASELINE = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo'
const JUDGE = 'meta-llama/Llama-3.3-70B-Instruct-Turbo'

describe('the whole loop on Together alone: no OpenAI key, a dedicated endpoint that bills per minute', () => {
  const database = useTestDatabase()
  const together = useTogetherStandin({advanceOnPoll: true})
  let outDir: string
  let gold: GoldItem[]

  before(async () => {
    gold = (await readGoldSet(GOLD_FILE)).items
  })
  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-together-loop-'))
    await database.sql`truncate loopft_cycles, loopft_training_jobs, loopft_training_events, loopft_training_metrics, loopft_models, loopft_config, loopft_promotions,
      loopft_evaluations, loopft_eval_answers, loopft_export_runs, loopft_deployments cascade`
  })
  afterEach(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  const config = () => loadConfig({outDir, baseModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', provider: 'together'}, {
    ...together.env(), LOOPFT_GOLD_FILE: GOLD_FILE, LOOPFT_DEFAULT_TEXT_MODEL: `together:${BASELINE}`, LOOPFT_JUDGE_MODEL: `together:${JUDGE}`,
  })
  const steps = () => cycleSteps({
    db: database.db, provider: createTogetherProvider(together.client({maxRetries: 2}), {filePollMs: 1}), config: config(), loopftVersion: 'test', sinceMs: WEEK,
    watch: {intervalMs: 1, timeoutMs: 60_000},
  })

  it('export → tune → watch → deploy an endpoint → evaluate → promote → router serves → rollback', async function () {
    this.timeout(120_000)
    together.standin.setChatBehaviour(JUDGE, fairJudge)
    together.standin.setChatBehaviour(BASELINE, goldAnswers(gold, (line) => line % 2 === 0))
    const router = createRouter({sql: database.sql}, {textModel: `together:${BASELINE}`, pollIntervalMs: 200, env: {}})
    const clients = {together: await createChatClient(config(), 'together', {maxRetries: 0})}
    try {
      await router.ready()
      await addExportRun(database.sql, outDir, {windowEnd: new Date(Date.now() - 3_600_000), content: dataset(12)})
      // The fine-tune answers every gold item right once its endpoint runs (the stand-in keys behaviours by the job's output model).
      const swap = nextRouterEvent(router, 'swap', ({to}) => to.provider === 'together' && to.model !== null)
      const real = steps()
      const summary = await runCycle({db: database.db, steps: {...real, evaluate: async (candidate) => {
        const [deployed] = together.standin.endpoints.values()
        together.standin.setChatBehaviour(deployed.model, goldAnswers(gold, () => true))
        return real.evaluate(candidate)
      }}, autoPromote: true, sinceMs: WEEK}, {dryRun: false})
      assert.deepEqual([summary.outcome, summary.error, summary.checks.every((check) => check.passed)], ['promoted', null, true])
      assert.deepEqual(summary.checks.map((check) => check.name), ['gold set', 'judge rubric', 'API key', 'base model', 'baseline model', 'judge model'])

      // One job, one endpoint started on the cheapest hardware; the registry holds the endpoint's name, the candidate evaluated against Together's serverless baseline.
      const [job] = together.standin.jobs.values()
      const [endpoint] = together.standin.endpoints.values()
      const candidate = summary.candidate!
      assert.deepEqual([together.standin.jobs.size, together.standin.endpoints.size, endpoint.model, endpoint.name, endpoint.state], [1, 1, job.model_output_name, candidate, 'STARTED'])
      const registered = (await findModel(database.sql, candidate))!
      assert.deepEqual([registered.provider, registered.evaluation?.verdict, registered.evaluation?.baseline], ['together', 'pass', `together:${BASELINE}`])
      const [running] = await listRunningDeployments(database.sql)
      assert.deepEqual([running.kind, running.model, running.status, running.costPerDayUsd], ['endpoint', candidate, 'ready', (HARDWARE.centsPerMinute * 1440) / 100])
      assert.deepEqual(await readServingConfig(database.sql).then(({model, provider}) => ({model, provider})), {model: candidate, provider: 'together'})

      // The router swapped without a restart and sends chats to the endpoint.
      assert.equal((await swap).to.model, candidate)
      const served = await router.chat(clients, {messages: [{role: 'user', content: gold[0].messages.at(-1)!.content}]}, {conversationId: 'c1'})
      assert.deepEqual([served.provider, served.model, served.completion.model, served.reason.rule], ['together', candidate, candidate, 'promoted'])

      // Rollback: nothing served before, so the default text model, at Together, serves again.
      const back = nextRouterEvent(router, 'swap', ({to}) => to.model === null)
      const change = await rollbackModel({sql: database.sql, clientFor: (provider) => createChatClient(config(), provider), textModel: config().textModel.model}, {actor: 'together-loop-test'})
      assert.deepEqual([change.outcome, change.to], ['changed', BASELINE])
      await back
      const after = await router.chat(clients, {messages: [{role: 'user', content: 'hello'}]}, {conversationId: 'c1'})
      assert.deepEqual([after.provider, after.model, after.reason.rule], ['together', BASELINE, 'default'])
    } finally {
      await router.close()
    }
  })
})
