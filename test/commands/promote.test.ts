import assert from 'node:assert/strict'
import {readServingConfig} from '../../src/lib/runtime/serving-row.js'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'
import {runLoopft} from '../support/run-cli.js'
import {clearServing, ftModel, passedModel, registerModel} from '../support/serving.js'

describe('loopft promote', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  const env = () => ({DATABASE_URL: t.url, ...openai.env(), LOOPFT_ACTOR: 'ci-bot'})
  beforeEach(() => clearServing(t.sql))

  it('--yes --json promotes, and promoting again changes nothing (exit 0 both times)', async () => {
    const model = await passedModel(t.sql, openai.standin, 'cmd1')
    const first = await runLoopft(['promote', model, '--reason', 'wins on gold set', '--yes', '--json'], env())
    const again = await runLoopft(['promote', model, '--json'], env())
    assert.deepEqual([first.status, first.json.outcome, first.json.action, first.json.to, first.json.configVersion], [0, 'changed', 'promote', model, 1])
    assert.deepEqual([again.status, again.json.outcome, again.json.configVersion], [0, 'unchanged', 1])
    assert.match(again.json.message, /already promoted; nothing changed/)
  })

  it('off a TTY without --yes: usage error, exit 2, nothing changed', async () => {
    const model = await passedModel(t.sql, openai.standin, 'cmd2')
    const result = await runLoopft(['promote', model, '--json'], env())
    assert.deepEqual([result.status, result.json.error.code, (await readServingConfig(t.sql)).version], [2, 'USAGE', 0])
  })

  it('--canary PERCENT starts a canary', async () => {
    const stable = await passedModel(t.sql, openai.standin, 'cmd3')
    const canary = await passedModel(t.sql, openai.standin, 'cmd4')
    await runLoopft(['promote', stable, '--yes', '--json'], env())
    const result = await runLoopft(['promote', canary, '--canary', '5', '--yes', '--json'], env())
    assert.deepEqual([result.status, result.json.action, result.json.canaryPercent, await readServingConfig(t.sql)], [0, 'canary', 5, {model: stable, canary: {model: canary, percent: 5}, version: 2}])
  })

  it('the evaluation gate: exit 11 without a pass; --force needs --reason (exit 2); forced with a reason (exit 0)', async () => {
    const model = ftModel('cmdfail')
    await registerModel(t.sql, model, 'fail')
    openai.standin.store.models.set(model, {id: model, object: 'model', created: 1, owned_by: 'org-standin'})
    const refused = await runLoopft(['promote', model, '--yes', '--json'], env())
    const noReason = await runLoopft(['promote', model, '--force', '--yes', '--json'], env())
    const forced = await runLoopft(['promote', model, '--force', '--reason', 'incident 42', '--yes', '--json'], env())
    assert.deepEqual([refused.status, refused.json.error.code, noReason.status, forced.status, forced.json.outcome], [11, 'GATE_FAILED', 2, 0, 'changed'])
  })

  it('a model the API does not know: exit 12, and the key never appears in the output', async () => {
    const model = ftModel('cmdgone')
    await registerModel(t.sql, model, 'pass')
    const result = await runLoopft(['promote', model, '--yes', '--json'], {...env(), OPENAI_API_KEY: 'sk-secret-abcdef123456'})
    assert.deepEqual([result.status, result.json.error.code], [12, 'NOT_FOUND'])
    assert.ok(!`${result.stdout}${result.stderr}`.includes('sk-secret-abcdef123456'))
  })

  it('a bad --canary value is a usage error', async () => {
    const model = await passedModel(t.sql, openai.standin, 'cmd5')
    const result = await runLoopft(['promote', model, '--canary', '150', '--yes', '--json'], env())
    assert.deepEqual([result.status, result.json.error.code], [2, 'USAGE'])
  })
})
