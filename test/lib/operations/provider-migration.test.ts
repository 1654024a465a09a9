import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {loadConfig} from '../../../src/lib/config.js'
import {readGoldSet, type GoldItem} from '../../../src/lib/evaluation/gold-set.js'
import {cycleSteps} from '../../../src/lib/operations/cycle-steps.js'
import {runCycle, type CycleSteps} from '../../../src/lib/operations/cycle.js'
import {createRouter} from '../../../src/lib/runtime/router.js'
import {readServingConfig} from '../../../src/lib/runtime/serving-row.js'
import {listRunningDeployments} from '../../../src/lib/serving/deploy.js'
import {rollbackModel} from '../../../src/lib/serving/promote.js'
import {findModel} from '../../../src/lib/serving/registry.js'
import {nebiusCustomModels} from '../../../src/lib/training/nebius-deploy.js'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import type {TrainingProvider} from '../../../src/lib/training/provider.js'
import {createChatClient} from '../../../src/lib/training/providers.js'
import {useTestDatabase} from '../../support/db.js'
import {goldAnswers} from '../../support/eval-standin.js'
import {fairJudge} from '../../support/judge-behaviour.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {useNebiusStandin} from '../../support/providers.js'
import {addExportRun, dataset} from '../training/fixtures.js'
import {nextRouterEvent} from '../../support/serving.js'

const GOLD_FILE = path.resolve('examples/gold.jsonl')
const WEEK = 7 * 86_400_000
const DAY = 86_400_000

describe('migration: an OpenAI fine-tune serves, a week later a Nebius cycle replaces it, the router follows without a restart', () => {
  const database = useTestDatabase()
  const openai = useOpenAIStandin({advanceOnPoll: true})
  const nebius = useNebiusStandin({advanceOnPoll: true})
  let outDir: string
  let gold: GoldItem[]

  before(async () => {
    gold = (await readGoldSet(GOLD_FILE)).items
  })
  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-migration-'))
    await database.sql`truncate loopft_cycles, loopft_training_jobs, loopft_training_events, loopft_training_metrics, loopft_models, loopft_config, loopft_promotions,
      loopft_evaluations, loopft_eval_answers, loopft_export_runs, loopft_deployments cascade`
  })
  afterEach(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  const env = () => ({...openai.env(), ...nebius.env(), LOOPFT_GOLD_FILE: GOLD_FILE})
  /** The real cycle steps on `provider`; the candidate answers the gold set right where `isRight` says once its name is known. */
  function steps(provider: TrainingProvider, baseModel: string, answerAs: (candidate: string) => void): CycleSteps {
    const config = loadConfig({outDir, baseModel}, env())
    const real = cycleSteps({
      db: database.db, provider, openai: openai.client(), config, loopftVersion: 'test', sinceMs: WEEK,
      watch: {intervalMs: 1, timeoutMs: 60_000},
    })
    return {...real, evaluate: (candidate) => {
      answerAs(candidate)
      return real.evaluate(candidate)
    }}
  }

  it('export → tune → watch → deploy → evaluate → promote → router serves → rollback, across OpenAI and Nebius', async function () {
    this.timeout(120_000)
    openai.standin.setChatBehaviour('gpt-4.1', fairJudge)
    openai.standin.setChatBehaviour('gpt-4o-mini', goldAnswers(gold, (line) => line % 2 === 0))
    const router = createRouter({sql: database.sql}, {textModel: 'gpt-4o-mini', pollIntervalMs: 200, env: {}})
    const clients = {openai: openai.client(), nebius: nebius.client()}
    try {
      await router.ready()

      // Today: an OpenAI fine-tune is trained on this week's export and promoted.
      await addExportRun(database.sql, outDir, {windowEnd: new Date(Date.now() - 6 * DAY), content: dataset(12)})
      const onOpenAI = steps(createOpenAIProvider(openai.client(), {filePollMs: 1, name: 'openai'}), 'gpt-4o-mini-2024-07-18',
        (candidate) => openai.standin.setChatBehaviour(candidate, goldAnswers(gold, (line) => line % 4 !== 0)))
      const firstSwap = nextRouterEvent(router, 'swap', ({to}) => to.model !== null)
      const week1 = await runCycle({db: database.db, steps: onOpenAI, autoPromote: true, sinceMs: WEEK}, {dryRun: false})
      assert.deepEqual([week1.outcome, week1.error], ['promoted', null])
      const openaiModel = week1.candidate!
      assert.deepEqual([(await firstSwap).to.model, router.selectModel({}).provider], [openaiModel, 'openai'])

      // A week later: `loopft cycle --provider nebius` trains on the new export, deploys, evaluates against the OpenAI fine-tune and promotes.
      await addExportRun(database.sql, outDir, {windowEnd: new Date(Date.now() - 3_600_000), content: dataset(12, 100)})
      const nebiusClient = nebius.client({maxRetries: 2})
      const onNebius = steps(createOpenAIProvider(nebiusClient, {filePollMs: 1, name: 'nebius', carriesMetadata: false, deployer: nebiusCustomModels(nebiusClient)}),
        'meta-llama/Meta-Llama-3.1-8B-Instruct', (candidate) => nebius.standin.setChatBehaviour(candidate, goldAnswers(gold, () => true)))
      const secondSwap = nextRouterEvent(router, 'swap', ({to}) => to.provider === 'nebius')
      const week2 = await runCycle({db: database.db, steps: onNebius, autoPromote: true, sinceMs: WEEK}, {dryRun: false})
      assert.deepEqual([week2.outcome, week2.error], ['promoted', null])
      const nebiusModel = week2.candidate!
      assert.match(nebiusModel, /^meta-llama\/Meta-Llama-3\.1-8B-Instruct-LoRa:loopft-[0-9a-f]{12}-a1-[a-z]{4}$/)
      const evaluation = (await findModel(database.sql, nebiusModel))!.evaluation!
      assert.deepEqual([evaluation.verdict, evaluation.baseline], ['pass', openaiModel], 'evaluated against the OpenAI fine-tune it replaces')
      assert.deepEqual(await readServingConfig(database.sql).then(({model, provider}) => ({model, provider})), {model: nebiusModel, provider: 'nebius'})
      assert.deepEqual((await listRunningDeployments(database.sql)).map((row) => [row.provider, row.model, row.status]), [['nebius', nebiusModel, 'ready']])

      // The router moved without a restart: its next chat goes to Nebius.
      assert.equal((await secondSwap).to.model, nebiusModel)
      const served = await router.chat(clients, {messages: [{role: 'user', content: gold[0].messages.at(-1)!.content}]}, {conversationId: 'c1'})
      assert.deepEqual([served.provider, served.model, served.completion.model, served.reason.rule], ['nebius', nebiusModel, nebiusModel, 'promoted'])

      // Rollback returns to the OpenAI fine-tune, served by OpenAI again.
      const config = loadConfig({outDir}, env())
      const backSwap = nextRouterEvent(router, 'swap', ({to}) => to.model === openaiModel)
      const change = await rollbackModel({sql: database.sql, openai: openai.client(), clientFor: (provider) => createChatClient(config, provider), textModel: 'gpt-4o-mini'}, {actor: 'migration-test'})
      assert.deepEqual([change.outcome, change.to], ['changed', openaiModel])
      await backSwap
      const after = await router.chat(clients, {messages: [{role: 'user', content: 'hello'}]}, {conversationId: 'c1'})
      assert.deepEqual([after.provider, after.model], ['openai', openaiModel])
    } finally {
      await router.close()
    }
  })
})
