import assert from 'node:assert/strict'
import {loadConfig} from '../../../src/lib/config.js'
import {createRouter} from '../../../src/lib/runtime/router.js'
import {readServingConfig} from '../../../src/lib/runtime/serving-row.js'
import {protectedModels} from '../../../src/lib/serving/model-protections.js'
import {promoteModel, readHistory, rollbackModel, type ServingDeps} from '../../../src/lib/serving/promote.js'
import {createChatClient} from '../../../src/lib/training/providers.js'
import {useTestDatabase} from '../../support/db.js'
import {useOpenAIStandin} from '../../support/openai.js'
import {useNebiusStandin} from '../../support/providers.js'
import {clearServing, passedModel, nextRouterEvent} from '../../support/serving.js'

const actor = 'tester@ci'
const QWEN_VL = 'Qwen/Qwen2.5-VL-72B-Instruct'
const image = {messages: [{role: 'user', content: [{type: 'image_url', image_url: {url: 'https://example.com/a.png'}}]}]}

describe('the vision slot: promote and rollback --slot vision, with history, and the router swaps without a restart', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  const nebius = useNebiusStandin()
  let deps: ServingDeps
  beforeEach(async () => {
    await clearServing(t.sql)
    const config = loadConfig({}, {...openai.env(), ...nebius.env()})
    deps = {sql: t.sql, openai: openai.client({maxRetries: 0}), clientFor: (provider) => createChatClient(config, provider, {maxRetries: 0}), textModel: 'gpt-4o-mini', visionModel: 'gpt-4o'}
  })

  it('serves a model of another provider to requests with images, leaves the text slot alone, and rolls back to the default vision model', async function () {
    this.timeout(30_000)
    const router = createRouter({sql: t.sql}, {textModel: 'gpt-4o-mini', visionModel: 'gpt-4o', pollIntervalMs: 200, env: {}})
    try {
      await router.ready()
      assert.deepEqual([router.selectModel(image).model, router.selectModel(image).provider], ['gpt-4o', 'openai'])

      const toQwen = nextRouterEvent(router, 'swap', ({to}) => to.vision?.model === QWEN_VL)
      const promoted = await promoteModel(deps, {model: `nebius:${QWEN_VL}`, slot: 'vision', force: true, reason: 'gpt-4o shuts down 2027-01-14', actor})
      assert.deepEqual([promoted.outcome, promoted.slot, promoted.from, promoted.message], ['changed', 'vision', 'gpt-4o', `promoted nebius:${QWEN_VL} for requests with images (was gpt-4o)`])
      assert.deepEqual((await readServingConfig(t.sql)).vision, {model: QWEN_VL, provider: 'nebius'})
      await toQwen
      const selected = router.selectModel(image)
      assert.deepEqual([selected.model, selected.provider, selected.reason.rule, router.selectModel({}).model], [QWEN_VL, 'nebius', 'vision', 'gpt-4o-mini'])
      const answered = await router.chat({openai: openai.client(), nebius: nebius.client()}, {messages: image.messages as never}, {conversationId: 'c1'})
      assert.deepEqual([answered.provider, answered.completion.model], ['nebius', QWEN_VL])

      // A text promotion and its rollback keep the vision slot; the text rollback never lands on the vision model.
      const text = await passedModel(t.sql, openai.standin, 'vis-text')
      await promoteModel(deps, {model: text, actor})
      const textBack = await rollbackModel(deps, {actor})
      assert.deepEqual([textBack.slot, textBack.to, (await readServingConfig(t.sql)).vision?.model], ['text', 'gpt-4o-mini', QWEN_VL])
      assert.equal((await protectedModels(t.sql)).get(QWEN_VL), 'vision: the chat app serves it to requests with images')

      const toDefault = nextRouterEvent(router, 'swap', ({to}) => to.vision === undefined)
      const back = await rollbackModel(deps, {slot: 'vision', actor})
      assert.deepEqual([back.outcome, back.slot, back.from, back.to], ['changed', 'vision', `nebius:${QWEN_VL}`, 'gpt-4o'])
      await toDefault
      assert.deepEqual([router.selectModel(image).model, router.selectModel(image).provider, (await readServingConfig(t.sql)).vision], ['gpt-4o', 'openai', undefined])
      assert.deepEqual((await readHistory(t.sql)).map((entry) => [entry.slot, entry.action, entry.from, entry.to]), [
        ['vision', 'rollback', `nebius:${QWEN_VL}`, 'gpt-4o'],
        ['text', 'rollback', text, 'gpt-4o-mini'],
        ['text', 'promote', null, text],
        ['vision', 'promote', null, `nebius:${QWEN_VL}`],
      ])
    } finally {
      await router.close()
    }
  })

  it('rolls the vision slot back to the model that served before, at its own provider', async () => {
    await promoteModel(deps, {model: `nebius:${QWEN_VL}`, slot: 'vision', force: true, reason: 'successor', actor})
    await promoteModel(deps, {model: 'gpt-4o', slot: 'vision', force: true, reason: 'try the newer snapshot', actor})
    const back = await rollbackModel(deps, {slot: 'vision', actor})
    assert.deepEqual([back.to, (await readServingConfig(t.sql)).vision], [`nebius:${QWEN_VL}`, {model: QWEN_VL, provider: 'nebius'}])
  })

  it('refuses a canary in the vision slot and an unevaluated model without --force, and says when nothing changes', async () => {
    await assert.rejects(promoteModel(deps, {model: `nebius:${QWEN_VL}`, slot: 'vision', canaryPercent: 10, actor}), {code: 'USAGE'})
    await assert.rejects(promoteModel(deps, {model: `nebius:${QWEN_VL}`, slot: 'vision', actor}), {code: 'GATE_FAILED'})
    await promoteModel(deps, {model: `nebius:${QWEN_VL}`, slot: 'vision', force: true, reason: 'successor', actor})
    const again = await promoteModel(deps, {model: `nebius:${QWEN_VL}`, slot: 'vision', force: true, reason: 'successor', actor})
    assert.deepEqual([again.outcome, again.configVersion, (await readHistory(t.sql)).length], ['unchanged', 1, 1])
  })
})
