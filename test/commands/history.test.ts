import assert from 'node:assert/strict'
import {promoteModel, rollbackModel} from '../../src/lib/serving/promote.js'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'
import {runLoopft} from '../support/run-cli.js'
import {clearServing, passedModel} from '../support/serving.js'

describe('loopft history', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  beforeEach(() => clearServing(t.sql))

  it('--json lists promotions and rollbacks newest first', async () => {
    const deps = {sql: t.sql, openai: openai.client(), textModel: 'gpt-4o-mini'}
    const model = await passedModel(t.sql, openai.standin, 'h1')
    await promoteModel(deps, {model, reason: 'first', actor: 'alice@host'})
    await rollbackModel(deps, {actor: 'bob@host'})
    const result = await runLoopft(['history', '--json'], {DATABASE_URL: t.url})
    const entries = result.json.entries.map((entry: {action: string; from: string | null; to: string; actor: string; configVersion: number}) => [entry.action, entry.from, entry.to, entry.actor, entry.configVersion])
    assert.deepEqual([result.status, entries], [0, [['rollback', model, 'gpt-4o-mini', 'bob@host', 2], ['promote', null, model, 'alice@host', 1]]])
  })

  it('prints plain tab-separated lines off a TTY', async () => {
    const model = await passedModel(t.sql, openai.standin, 'h2')
    await promoteModel({sql: t.sql, openai: openai.client(), textModel: 'gpt-4o-mini'}, {model, actor: 'alice@host'})
    const result = await runLoopft(['history'], {DATABASE_URL: t.url})
    const [head, row] = result.stdout.trim().split('\n')
    assert.deepEqual([result.status, head.split('\t')[1], row.split('\t').slice(1, 4)], [0, 'action', ['promote', '(base text model)', model]])
  })

  it('with no history says so', async () => {
    const result = await runLoopft(['history'], {DATABASE_URL: t.url})
    assert.deepEqual([result.status, result.stdout.trim()], [0, 'no promotions yet'])
  })
})
