import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import fs from 'node:fs/promises'
import {createInterface} from 'node:readline'
import {canaryBucket, createRouter, isVisionRequest, type Router} from '../../../src/router.js'
import {createRecorder} from '../../../src/recorder.js'
import {openDatabase} from '../../../src/lib/db/connection.js'
import {migrate} from '../../../src/lib/db/migrate.js'
import {selectFrom} from '../../../src/lib/runtime/selection.js'
import {createDefaultModels} from '../../../src/lib/runtime/default-models.js'
import {listShutdownDates} from '../../../src/lib/training/model-catalog.js'
import {promoteModel, rollbackModel, type ServingDeps} from '../../../src/lib/serving/promote.js'
import {TEST_DATABASE_URL, useTestDatabase} from '../../support/db.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {clearServing, passedModel, nextRouterEvent} from '../../support/serving.js'
import {newEmbeddedHome} from '../../support/pglite-home.js'
import {startTcpProxy} from '../../support/tcp-proxy.js'

const defaults = {textModel: {provider: 'openai', model: 'gpt-4o-mini'}, visionModel: {provider: 'openai', model: 'gpt-4o'}, override: null}
const image = {role: 'user', content: [{type: 'text', text: 'what is this?'}, {type: 'image_url', image_url: {url: 'https://example.com/a.png'}}]}
const actor = 'tester@ci'

describe('router', () => {
  describe('selection rules (pure)', () => {
    const serving = {model: 'ft:promoted', canary: null, version: 3}

    it('vision content goes to the vision model, whatever is promoted', () => {
      const kinds = ['image_url', 'input_image', 'input_audio', 'file'].map((type) => selectFrom(serving, defaults, {messages: [{role: 'user', content: [{type}]}]}).model)
      assert.deepEqual(kinds, ['gpt-4o', 'gpt-4o', 'gpt-4o', 'gpt-4o'])
      assert.deepEqual(selectFrom(serving, defaults, {hasImages: true}), {model: 'gpt-4o', provider: 'openai', reason: {rule: 'vision', configVersion: 3}})
      assert.deepEqual([isVisionRequest({messages: [image]}), isVisionRequest({messages: [{role: 'user', content: [{type: 'text', text: 'x'}]}]})], [true, false])
    })

    it('text goes to the promoted model, else the default text model', () => {
      assert.deepEqual(selectFrom(serving, defaults, {messages: [{role: 'user', content: 'hi'}]}), {model: 'ft:promoted', provider: 'openai', reason: {rule: 'promoted', configVersion: 3}})
      assert.deepEqual(selectFrom({model: null, canary: null, version: 0}, defaults, {}), {model: 'gpt-4o-mini', provider: 'openai', reason: {rule: 'default', configVersion: 0}})
    })

    it('the LOOPFT_TEXT_MODEL override wins for text, not for vision', () => {
      const pinned = {...defaults, override: 'gpt-4.1-mini'}
      assert.deepEqual([selectFrom(serving, pinned, {}).reason.rule, selectFrom(serving, pinned, {}).model, selectFrom(serving, pinned, {hasImages: true}).model], ['override', 'gpt-4.1-mini', 'gpt-4o'])
    })

    it('the canary share is sticky per conversation (then user) and close to the percentage over 10,000 ids', () => {
      const withCanary = {model: 'ft:stable', canary: {model: 'ft:canary', percent: 10}, version: 4}
      const ids = Array.from({length: 10_000}, (_, index) => `conversation-${index}`)
      const served = ids.map((conversationId) => selectFrom(withCanary, defaults, {conversationId}).model)
      const share = served.filter((model) => model === 'ft:canary').length / ids.length
      const again = ids.map((conversationId) => selectFrom(withCanary, defaults, {conversationId}).model)
      assert.ok(Math.abs(share - 0.1) < 0.01, `canary share ${share}`)
      assert.deepEqual(again, served)
      assert.equal(selectFrom(withCanary, defaults, {userId: 'u-1'}).model, selectFrom(withCanary, defaults, {conversationId: 'u-1'}).model)
      assert.equal(selectFrom(withCanary, defaults, {}).model, 'ft:stable')
    })

    it('a fractional percentage and other shares land close too', () => {
      const ids = Array.from({length: 10_000}, (_, index) => `u${index * 7919}`)
      const shares = [2.5, 50, 90].map((percent) => ids.filter((id) => canaryBucket(id) < percent * 100).length / 100)
      shares.forEach((share, index) => assert.ok(Math.abs(share - [2.5, 50, 90][index]) < 1.5, `share ${share}`))
    })
  })

  describe('default models and shutdown dates (fixed clock)', () => {
    const shutdownDates = listShutdownDates()
    const llama = {provider: 'nebius', model: 'meta-llama/Meta-Llama-3.1-8B-Instruct'}

    it('keeps the given default up to its shutdown date, then falls back to the configured one', () => {
      let clock = new Date('2027-01-13T23:59:59Z')
      const models = createDefaultModels({textModel: 'gpt-4o-mini', visionModel: 'gpt-4o', shutdownDates, now: () => clock, settings: {textModel: 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct'}})
      assert.deepEqual(models.current(), {textModel: {provider: 'openai', model: 'gpt-4o-mini'}, visionModel: {provider: 'openai', model: 'gpt-4o'}, override: null})
      clock = new Date('2027-01-14T00:00:00Z')
      assert.deepEqual(models.current().textModel, llama)
      assert.deepEqual(models.current().visionModel, {provider: 'openai', model: 'gpt-4o'}, 'nothing configured to move to: the given vision model stays')
    })

    it('takes provider-qualified defaults, and without dates never retires anything', () => {
      const models = createDefaultModels({textModel: llama, settings: {visionModel: 'nebius:Qwen/Qwen2.5-VL-72B-Instruct'}, now: () => new Date('2030-01-01T00:00:00Z')})
      assert.deepEqual([models.current().textModel, models.current().visionModel], [llama, {provider: 'nebius', model: 'Qwen/Qwen2.5-VL-72B-Instruct'}])
      const undated = createDefaultModels({settings: {}, now: () => new Date('2030-01-01T00:00:00Z')})
      assert.deepEqual([undated.current().textModel.model, undated.isRetired('ft:gpt-4o-mini-2024-07-18:acme::abc')], ['gpt-4o-mini', false])
    })
  })

  describe('against the database', () => {
    const t = useTestDatabase()
    const openai = useOpenAIStandin()
    let deps: ServingDeps
    const routers: Router[] = []
    const open = async (...args: Parameters<typeof createRouter>) => {
      const router = createRouter(...args)
      routers.push(router)
      await router.ready()
      return router
    }
    beforeEach(async () => {
      await clearServing(t.sql)
      deps = {sql: t.sql, openai: openai.client({maxRetries: 0}), textModel: 'gpt-4o-mini'}
    })
    afterEach(async () => {
      await Promise.all(routers.splice(0).map((router) => router.close()))
    })

    it('reads the promoted model on ready and swaps on NOTIFY', async () => {
      const first = await passedModel(t.sql, openai.standin, 'r1')
      const second = await passedModel(t.sql, openai.standin, 'r2')
      await promoteModel(deps, {model: first, actor})
      const router = await open({sql: t.sql}, {pollIntervalMs: 600_000})
      assert.deepEqual(router.selectModel({}), {model: first, provider: 'openai', reason: {rule: 'promoted', configVersion: 1}})
      const swapped = nextRouterEvent(router, 'swap')
      await promoteModel(deps, {model: second, actor})
      const {from, to} = await swapped
      assert.deepEqual([from.model, to.model, router.selectModel({}).model], [first, second, second])
    })

    it('without LISTEN (the embedded database) the TTL poll picks the change up', async () => {
      const model = await passedModel(t.sql, openai.standin, 'poll')
      const router = await open({sql: t.sql}, {listen: false, pollIntervalMs: 50})
      const swapped = nextRouterEvent(router, 'swap')
      await promoteModel(deps, {model, actor})
      assert.equal((await swapped).to.model, model)
    })

    it('never throws from selectModel, whatever it is given', () => {
      const router = createRouter({sql: t.sql}, {pollIntervalMs: 600_000})
      routers.push(router)
      const odd = [undefined, {messages: [null, {content: [null, 7]}]}, {messages: 'nope'}, null] as never[]
      assert.deepEqual(odd.map((request) => router.selectModel(request).model), ['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini'])
    })

    it('a promotion in one process swaps a router in another process (NOTIFY, no poll)', async () => {
      const model = await passedModel(t.sql, openai.standin, 'xproc')
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/router-child.ts'], {
        env: {...process.env, DATABASE_URL: t.url, ROUTER_POLL_MS: '600000', LOOPFT_TEXT_MODEL: ''},
        stdio: ['pipe', 'pipe', 'inherit'],
      })
      try {
        const lines = createInterface({input: child.stdout!})[Symbol.asyncIterator]()
        const read = async () => JSON.parse((await lines.next()).value as string) as {event: string; model: string; version: number}
        const ready = await read()
        assert.deepEqual([ready.event, ready.model, ready.version], ['ready', 'gpt-4o-mini', 0])
        await promoteModel(deps, {model, actor})
        const swap = await read()
        assert.deepEqual([swap.event, swap.model, swap.version], ['swap', model, 1])
      } finally {
        child.stdin!.end()
        await once(child, 'exit')
      }
    })

    it('keeps the last known model while the database is down, then recovers and listens again', async () => {
      const [first, second, third] = await Promise.all(['d1', 'd2', 'd3'].map((id) => passedModel(t.sql, openai.standin, id)))
      await promoteModel(deps, {model: first, actor})
      const proxy = await startTcpProxy({host: '127.0.0.1', port: Number(new URL(TEST_DATABASE_URL).port || 5432)})
      try {
        const router = await open({databaseUrl: proxy.urlFor(t.url)}, {pollIntervalMs: 100})
        assert.equal(router.selectModel({}).model, first)
        const failed = nextRouterEvent(router, 'error')
        await proxy.stop()
        await failed
        await promoteModel(deps, {model: second, actor})
        assert.deepEqual(router.selectModel({}), {model: first, provider: 'openai', reason: {rule: 'promoted', configVersion: 1}})
        const recovered = nextRouterEvent(router, 'swap')
        await proxy.start()
        assert.equal((await recovered).to.model, second)
        const swapped = nextRouterEvent(router, 'swap')
        await promoteModel(deps, {model: third, actor})
        assert.deepEqual([(await swapped).to.model, router.selectModel({}).model], [third, third])
      } finally {
        await proxy.stop()
      }
    })

    it('ready() resolves with the defaults when the database is down at start, and recovers', async () => {
      const model = await passedModel(t.sql, openai.standin, 'late')
      await promoteModel(deps, {model, actor})
      const proxy = await startTcpProxy({host: '127.0.0.1', port: Number(new URL(TEST_DATABASE_URL).port || 5432)})
      await proxy.stop()
      try {
        const router = await open({databaseUrl: proxy.urlFor(t.url)}, {pollIntervalMs: 100})
        assert.deepEqual(router.selectModel({}), {model: 'gpt-4o-mini', provider: 'openai', reason: {rule: 'default', configVersion: 0}})
        const recovered = nextRouterEvent(router, 'swap')
        await proxy.start()
        assert.equal((await recovered).to.model, model)
      } finally {
        await proxy.stop()
      }
    })

    it('chat() calls the selected model, and falls back once to the text model when a fine-tuned model is deleted', async () => {
      const model = await passedModel(t.sql, openai.standin, 'chat')
      await promoteModel(deps, {model, actor})
      const router = await open({sql: t.sql}, {pollIntervalMs: 600_000})
      const client = openai.client({maxRetries: 0})
      const served = await router.chat(client, {messages: [{role: 'user', content: 'hello'}]}, {conversationId: 'c1'})
      const vision = await router.chat(client, {messages: [image as never]})
      assert.deepEqual([served.completion.model, served.reason.rule, served.fallbackFrom, vision.completion.model], [model, 'promoted', null, 'gpt-4o'])

      await client.models.delete(model)
      const fallback = nextRouterEvent(router, 'fallback')
      const rescued = await router.chat(client, {messages: [{role: 'user', content: 'still there?'}]})
      const event = await fallback
      assert.deepEqual([rescued.completion.model, rescued.model, rescued.fallbackFrom, event.from, event.to], ['gpt-4o-mini', 'gpt-4o-mini', model, model, 'gpt-4o-mini'])
    })

    it('stops choosing a promoted or pinned model from its shutdown date: the configured default serves, and chat() calls it', async () => {
      const model = await passedModel(t.sql, openai.standin, 'ret')
      await promoteModel(deps, {model, actor})
      let clock = new Date('2027-01-13T12:00:00Z')
      const env = {LOOPFT_DEFAULT_TEXT_MODEL: 'gpt-4.1-nano'}
      const router = await open({sql: t.sql}, {pollIntervalMs: 600_000, shutdownDates: listShutdownDates({models: {}, providerCutoffs: {}, retirements: {openai: {'gpt-4.1-nano-2025-04-14': {shutdownDate: '2030-01-01'}}}}), now: () => clock, env})
      assert.deepEqual(router.selectModel({}), {model, provider: 'openai', reason: {rule: 'promoted', configVersion: 1}})
      clock = new Date('2027-01-14T00:00:00Z')
      assert.deepEqual(router.selectModel({}), {model: 'gpt-4.1-nano', provider: 'openai', reason: {rule: 'retired', configVersion: 1, retiredModel: model}})
      const answered = await router.chat(openai.client({maxRetries: 0}), {messages: [{role: 'user', content: 'hello'}]})
      assert.deepEqual([answered.completion.model, answered.reason.rule, answered.fallbackFrom], ['gpt-4.1-nano', 'retired', null])
      const pinned = await open({sql: t.sql}, {pollIntervalMs: 600_000, shutdownDates: listShutdownDates(), now: () => clock, env: {LOOPFT_TEXT_MODEL: 'gpt-4o', LOOPFT_DEFAULT_TEXT_MODEL: 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct'}})
      assert.deepEqual(pinned.selectModel({}), {model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', provider: 'nebius', reason: {rule: 'retired', configVersion: 1, retiredModel: 'gpt-4o'}})
    })

    it('with a recorder, chat() records every served request (ok, fallback, error) with its rule, tokens and latency, and the daily rollup follows', async () => {
      await t.sql`truncate loopft_served_requests, loopft_served_daily`
      const model = await passedModel(t.sql, openai.standin, 'rec')
      await promoteModel(deps, {model, actor})
      const recorder = createRecorder({sql: t.sql}, {flushIntervalMs: 60_000})
      const router = await open({sql: t.sql}, {pollIntervalMs: 600_000, recorder})
      const client = openai.client({maxRetries: 0})
      const answered = await router.chat(client, {messages: [{role: 'user', content: 'hello'}]})
      await client.models.delete(model)
      await router.chat(client, {messages: [{role: 'user', content: 'still there?'}]})
      const pinned = await open({sql: t.sql}, {pollIntervalMs: 600_000, recorder, env: {LOOPFT_TEXT_MODEL: 'ft:pinned-but-missing'}})
      await assert.rejects(pinned.chat(client, {messages: [{role: 'user', content: 'hi'}]}), {status: 404})
      await recorder.close()
      const rows = await t.sql<{model: string; rule: string; outcome: string; fallback_from: string | null; error_status: number | null; prompt_tokens: number; latency_ms: number}[]>`
        select model, rule, outcome, fallback_from, error_status, prompt_tokens, latency_ms from loopft_served_requests order by id`
      assert.deepEqual(rows.map((row) => [row.model, row.rule, row.outcome, row.fallback_from, row.error_status]), [
        [model, 'promoted', 'ok', null, null], ['gpt-4o-mini', 'promoted', 'fallback', model, null], ['ft:pinned-but-missing', 'override', 'error', null, 404],
      ])
      assert.equal(rows[0].prompt_tokens, answered.completion.usage?.prompt_tokens)
      assert.ok(rows.every((row) => row.latency_ms >= 0))
      const [rollup] = await t.sql<{requests: string; prompt_tokens: string}[]>`select sum(requests) as requests, sum(prompt_tokens) as prompt_tokens from loopft_served_daily`
      assert.deepEqual([Number(rollup.requests), Number(rollup.prompt_tokens)], [3, rows.reduce((sum, row) => sum + row.prompt_tokens, 0)])
    })

    it('chat() does not hide a 404 for a model loopft did not choose', async () => {
      const router = await open({sql: t.sql}, {pollIntervalMs: 600_000, env: {LOOPFT_TEXT_MODEL: 'ft:pinned-but-missing'}})
      await assert.rejects(router.chat(openai.client({maxRetries: 0}), {messages: [{role: 'user', content: 'hi'}]}), {status: 404})
    })

    it('rollback reaches the router too', async () => {
      const model = await passedModel(t.sql, openai.standin, 'rbk')
      await promoteModel(deps, {model, actor})
      const router = await open({sql: t.sql}, {pollIntervalMs: 600_000})
      const swapped = nextRouterEvent(router, 'swap')
      await rollbackModel(deps, {actor})
      assert.deepEqual([(await swapped).to, router.selectModel({}).reason.rule], [{model: null, canary: null, version: 2}, 'default'])
    })
  })

  describe('on the embedded PGlite database', () => {
    const openai = useOpenAIStandin()

    it('relies on the TTL poll (NOTIFY does not cross pglite-socket) and swaps after a promotion', async function () {
      this.timeout(120_000)
      const home = await newEmbeddedHome('loopft-router-pglite-')
      const db = await openDatabase({home})
      try {
        await migrate(db.sql)
        const router = createRouter({sql: db.sql}, {listen: false, pollIntervalMs: 50})
        await router.ready()
        const swapped = nextRouterEvent(router, 'swap')
        await promoteModel({sql: db.sql, openai: openai.client(), textModel: 'gpt-4o-mini'}, {model: 'gpt-4.1-mini', force: true, reason: 'embedded', actor})
        assert.deepEqual([(await swapped).to.model, router.selectModel({}).reason], ['gpt-4.1-mini', {rule: 'promoted', configVersion: 1}])
        await router.close()
      } finally {
        await db.close()
        await fs.rm(home, {recursive: true, force: true})
      }
    })
  })
})
