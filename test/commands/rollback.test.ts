import assert from 'node:assert/strict'
import {promoteModel} from '../../src/lib/serving/promote.js'
import {readServingConfig} from '../../src/lib/runtime/serving-row.js'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'
import {runLoopft} from '../support/run-cli.js'
import {clearServing, ftModel, passedModel} from '../support/serving.js'

describe('loopft rollback', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  const env = () => ({DATABASE_URL: t.url, ...openai.env(), LOOPFT_ACTOR: 'ci-bot'})
  const promote = (model: string) => promoteModel({sql: t.sql, openai: openai.client(), textModel: 'gpt-4o-mini'}, {model, actor: 'setup'})
  beforeEach(() => clearServing(t.sql))

  it('--yes --json goes back to the previously promoted model', async () => {
    const first = await passedModel(t.sql, openai.standin, 'rb1')
    const second = await passedModel(t.sql, openai.standin, 'rb2')
    await promote(first)
    await promote(second)
    const back = await runLoopft(['rollback', '--yes', '--json'], env())
    assert.deepEqual([back.status, back.json.outcome, back.json.from, back.json.to, (await readServingConfig(t.sql)).model], [0, 'changed', second, first, first])
  })

  it('is idempotent: nothing to roll back is exit 0, unchanged, even without --yes', async () => {
    const result = await runLoopft(['rollback', '--json'], env())
    assert.deepEqual([result.status, result.json.outcome, result.json.to], [0, 'unchanged', 'gpt-4o-mini'])
  })

  it('off a TTY without --yes: usage error, exit 2', async () => {
    await promote(await passedModel(t.sql, openai.standin, 'rb3'))
    const result = await runLoopft(['rollback', '--json'], env())
    assert.deepEqual([result.status, result.json.error.code, (await readServingConfig(t.sql)).version], [2, 'USAGE', 1])
  })

  it('--dry-run needs no --yes and changes nothing', async () => {
    await promote(await passedModel(t.sql, openai.standin, 'rb4'))
    const result = await runLoopft(['rollback', '--dry-run', '--json'], env())
    assert.deepEqual([result.status, result.json.outcome, result.json.to, (await readServingConfig(t.sql)).version], [0, 'planned', 'gpt-4o-mini', 1])
  })

  it('--to a model that never served: exit 12', async () => {
    const result = await runLoopft(['rollback', '--to', ftModel('never'), '--yes', '--json'], env())
    assert.deepEqual([result.status, result.json.error.code], [12, 'NOT_FOUND'])
  })
})
