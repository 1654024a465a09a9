import assert from 'node:assert/strict'
import postgres from 'postgres'
import {findModel} from '../../../src/lib/serving/registry.js'
import {promoteModel, readHistory, rollbackModel, type ServingDeps} from '../../../src/lib/serving/promote.js'
import {readServingConfig, SERVING_CHANNEL} from '../../../src/lib/runtime/serving-row.js'
import {TEST_DATABASE_URL, useTestDatabase} from '../../support/db.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {addStandinModel, clearServing, ftModel, passedModel, registerModel} from '../../support/serving.js'

const actor = 'tester@ci'

describe('serving', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  let deps: ServingDeps
  beforeEach(async () => {
    await clearServing(t.sql)
    deps = {sql: t.sql, openai: openai.client({maxRetries: 0}), textModel: 'gpt-4o-mini'}
  })

  describe('promoteModel', () => {
    it('writes the config row, the history and the status, after a preflight at the API', async () => {
      const model = await passedModel(t.sql, openai.standin, 'aaa')
      const change = await promoteModel(deps, {model, reason: 'better', actor})
      const history = await readHistory(t.sql)
      const calls = openai.standin.requests.map((request) => `${request.method} ${request.path}`)
      assert.deepEqual(
        [change.outcome, change.action, change.from, change.to, change.configVersion, (await readServingConfig(t.sql)).model, (await findModel(t.sql, model))?.status],
        ['changed', 'promote', 'gpt-4o-mini', model, 1, model, 'promoted'],
      )
      assert.deepEqual(history.map((entry) => [entry.action, entry.from, entry.to, entry.reason, entry.actor, entry.configVersion]), [['promote', null, model, 'better', actor, 1]])
      assert.deepEqual(calls, [`GET /models/${model}`, 'POST /chat/completions'])
    })

    it('notifies listeners with the new version, once the transaction commits', async () => {
      const model = await passedModel(t.sql, openai.standin, 'ntf')
      const listener = postgres(TEST_DATABASE_URL, {max: 1, onnotice: () => {}})
      try {
        let received!: (payload: string) => void
        const payload = new Promise<string>((resolve) => (received = resolve))
        await listener.listen(SERVING_CHANNEL, received)
        await promoteModel(deps, {model, actor})
        assert.equal(await payload, '1')
      } finally {
        await listener.end()
      }
    })

    it('is idempotent: promoting the promoted model changes nothing and says so', async () => {
      const model = await passedModel(t.sql, openai.standin, 'idem')
      await promoteModel(deps, {model, actor})
      const again = await promoteModel(deps, {model, actor})
      assert.deepEqual([again.outcome, again.configVersion, (await readHistory(t.sql)).length], ['unchanged', 1, 1])
      assert.match(again.message, /already promoted; nothing changed/)
    })

    it('retires the model it replaces', async () => {
      const first = await passedModel(t.sql, openai.standin, 'one')
      const second = await passedModel(t.sql, openai.standin, 'two')
      await promoteModel(deps, {model: first, actor})
      const change = await promoteModel(deps, {model: second, actor})
      assert.deepEqual([change.from, (await findModel(t.sql, first))?.status, (await findModel(t.sql, second))?.status], [first, 'retired', 'promoted'])
    })

    it('refuses a model without an evaluation, or with a failed one, unless forced with a reason', async () => {
      const unevaluated = ftModel('noeval')
      const failed = ftModel('failed')
      await registerModel(t.sql, unevaluated)
      await registerModel(t.sql, failed, 'fail')
      addStandinModel(openai.standin, unevaluated)
      addStandinModel(openai.standin, failed)
      await assert.rejects(promoteModel(deps, {model: unevaluated, actor}), {code: 'GATE_FAILED', exitCode: 11})
      await assert.rejects(promoteModel(deps, {model: failed, actor}), {code: 'GATE_FAILED', message: /verdict: fail/})
      await assert.rejects(promoteModel(deps, {model: failed, force: true, actor}), {code: 'USAGE'})
      await assert.rejects(promoteModel(deps, {model: 'ft:not-registered', actor}), {code: 'GATE_FAILED', message: /not in the registry/})
      assert.equal((await readServingConfig(t.sql)).version, 0)
      const forced = await promoteModel(deps, {model: failed, force: true, reason: 'hotfix for a known bad answer', actor})
      assert.deepEqual([forced.outcome, forced.forced], ['changed', `model ${failed} did not pass its evaluation (verdict: fail)`])
    })

    it('refuses a model the API does not know (wrong key, deleted) and changes nothing', async () => {
      const model = ftModel('gone')
      await registerModel(t.sql, model, 'pass')
      await assert.rejects(promoteModel(deps, {model, actor}), {code: 'NOT_FOUND', message: /not reachable with this API key/})
      assert.deepEqual([(await readServingConfig(t.sql)).version, (await readHistory(t.sql)).length], [0, 0])
    })

    it('changes nothing when the confirmation is declined', async () => {
      const model = await passedModel(t.sql, openai.standin, 'decl')
      const plans: string[] = []
      const change = await promoteModel(deps, {model, actor, confirm: async (plan) => (plans.push(`${plan.action} ${plan.from} -> ${plan.to}`), false)})
      assert.deepEqual([change.outcome, plans, (await readServingConfig(t.sql)).version], ['declined', [`promote gpt-4o-mini -> ${model}`], 0])
    })

    it('a dry run runs the preflight and writes nothing', async () => {
      const model = await passedModel(t.sql, openai.standin, 'dry')
      const planned = await promoteModel(deps, {model, actor, dryRun: true})
      await assert.rejects(promoteModel(deps, {model: ftModel('dry-missing'), actor, dryRun: true, force: true, reason: 'x'}), {code: 'NOT_FOUND'})
      assert.deepEqual([planned.outcome, planned.to, (await readServingConfig(t.sql)).version, (await readHistory(t.sql)).length], ['planned', model, 0, 0])
    })

    it('fails cleanly with CONFLICT (not RUN_IN_PROGRESS) when another change lands between preflight and commit', async () => {
      const first = await passedModel(t.sql, openai.standin, 'race1')
      const second = await passedModel(t.sql, openai.standin, 'race2')
      const racing = promoteModel(deps, {model: first, actor, confirm: async () => (await promoteModel(deps, {model: second, actor}), true)})
      await assert.rejects(racing, {code: 'CONFLICT', exitCode: 18})
      assert.equal((await readServingConfig(t.sql)).model, second)
    })

    it('rejects a canary percentage outside (0, 100)', async () => {
      const model = await passedModel(t.sql, openai.standin, 'pct')
      await assert.rejects(promoteModel(deps, {model, canaryPercent: 100, actor}), {code: 'USAGE'})
      await assert.rejects(promoteModel(deps, {model, canaryPercent: 0, actor}), {code: 'USAGE'})
    })
  })

  describe('canary', () => {
    it('serves the canary next to the promoted model, then completes the rollout', async () => {
      const stable = await passedModel(t.sql, openai.standin, 'stable')
      const next = await passedModel(t.sql, openai.standin, 'next')
      await promoteModel(deps, {model: stable, actor})
      const canary = await promoteModel(deps, {model: next, canaryPercent: 10, actor})
      assert.deepEqual(await readServingConfig(t.sql), {model: stable, canary: {model: next, percent: 10}, version: 2})
      assert.deepEqual([canary.action, (await findModel(t.sql, stable))?.status, (await findModel(t.sql, next))?.status], ['canary', 'promoted', 'promoted'])
      assert.equal((await promoteModel(deps, {model: next, canaryPercent: 10, actor})).outcome, 'unchanged')
      const full = await promoteModel(deps, {model: next, actor})
      assert.deepEqual([full.from, await readServingConfig(t.sql), (await findModel(t.sql, stable))?.status], [stable, {model: next, canary: null, version: 3}, 'retired'])
    })

    it('a rollback during a canary drops only the canary', async () => {
      const stable = await passedModel(t.sql, openai.standin, 'st2')
      const next = await passedModel(t.sql, openai.standin, 'nx2')
      await promoteModel(deps, {model: stable, actor})
      await promoteModel(deps, {model: next, canaryPercent: 25, actor})
      const change = await rollbackModel(deps, {actor})
      assert.deepEqual([change.action, change.from, change.to], ['abort-canary', next, stable])
      assert.deepEqual([await readServingConfig(t.sql), (await findModel(t.sql, next))?.status], [{model: stable, canary: null, version: 3}, 'retired'])
    })
  })

  describe('shutdown dates (fixed clock)', () => {
    // OpenAI shuts gpt-4o-mini-2024-07-18 and its fine-tunes down on 2027-01-14 (the catalog's date).
    const at = (iso: string) => ({...deps, now: () => new Date(iso)})

    it('promotes an OpenAI fine-tune up to its last day and refuses it from 00:00 UTC on the shutdown date, even forced', async () => {
      const model = await passedModel(t.sql, openai.standin, 'last', 'openai')
      await assert.rejects(promoteModel(at('2027-01-14T00:00:00Z'), {model, force: true, reason: 'try', actor}), (error: {code?: string; exitCode?: number; message?: string; details?: {successor?: string}}) =>
        error.code === 'MODEL_RETIRED' && error.exitCode === 20 && error.message === `openai:${model} was shut down on 2027-01-14` && error.details?.successor === 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct')
      assert.deepEqual([openai.standin.requests.length, await readServingConfig(t.sql), (await readHistory(t.sql)).length], [0, {model: null, canary: null, version: 0}, 0])
      const change = await promoteModel(at('2027-01-13T23:59:59Z'), {model, actor})
      assert.deepEqual([change.outcome, (await readServingConfig(t.sql)).model], ['changed', model])
    })

    it('refuses a retired canary and a retired rollback target, and follows a date moved by the overrides file', async () => {
      const old = await passedModel(t.sql, openai.standin, 'old', 'openai')
      const current = await passedModel(t.sql, openai.standin, 'cur', 'openai')
      const early = {...deps, now: () => new Date('2026-12-01T00:00:00Z')}
      await promoteModel(early, {model: old, actor})
      await promoteModel(early, {model: current, actor})
      await assert.rejects(promoteModel(at('2027-02-01T00:00:00Z'), {model: old, canaryPercent: 10, actor}), {code: 'MODEL_RETIRED'})
      await assert.rejects(rollbackModel(at('2027-02-01T00:00:00Z'), {actor}), {code: 'MODEL_RETIRED'})
      const extended = {...at('2027-02-01T00:00:00Z'), catalog: {models: {}, providerCutoffs: {}, retirements: {openai: {'gpt-4o-mini-2024-07-18': {fineTunesShutdownDate: '2027-06-30'}}}}}
      assert.equal((await rollbackModel(extended, {actor})).to, old)
    })
  })

  describe('rollbackModel', () => {
    it('returns to the previously promoted model; a second rollback undoes the first', async () => {
      const first = await passedModel(t.sql, openai.standin, 'rb1')
      const second = await passedModel(t.sql, openai.standin, 'rb2')
      await promoteModel(deps, {model: first, actor})
      await promoteModel(deps, {model: second, actor})
      const back = await rollbackModel(deps, {actor, reason: 'complaints'})
      assert.deepEqual([back.action, back.from, back.to, (await readServingConfig(t.sql)).model], ['rollback', second, first, first])
      assert.deepEqual([(await findModel(t.sql, first))?.status, (await findModel(t.sql, second))?.status], ['promoted', 'retired'])
      assert.equal((await rollbackModel(deps, {actor})).to, second)
    })

    it('falls back to the base text model when nothing served before', async () => {
      const only = await passedModel(t.sql, openai.standin, 'only')
      await promoteModel(deps, {model: only, actor})
      const change = await rollbackModel(deps, {actor})
      assert.deepEqual([change.to, await readServingConfig(t.sql)], ['gpt-4o-mini', {model: null, canary: null, version: 2}])
      const [latest] = await readHistory(t.sql)
      assert.deepEqual([latest.action, latest.from, latest.to], ['rollback', only, 'gpt-4o-mini'])
    })

    it('is idempotent when the target already serves', async () => {
      const change = await rollbackModel(deps, {actor})
      assert.deepEqual([change.outcome, change.to, change.configVersion], ['unchanged', 'gpt-4o-mini', 0])
    })

    it('--to accepts only a model that served before', async () => {
      const first = await passedModel(t.sql, openai.standin, 'to1')
      const second = await passedModel(t.sql, openai.standin, 'to2')
      const third = await passedModel(t.sql, openai.standin, 'to3')
      await promoteModel(deps, {model: first, actor})
      await promoteModel(deps, {model: second, actor})
      await promoteModel(deps, {model: third, actor})
      await assert.rejects(rollbackModel(deps, {to: ftModel('never'), actor}), {code: 'NOT_FOUND'})
      assert.equal((await rollbackModel(deps, {to: first, actor})).to, first)
      assert.equal((await readServingConfig(t.sql)).model, first)
    })
  })

})
