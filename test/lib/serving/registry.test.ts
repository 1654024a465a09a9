import assert from 'node:assert/strict'
import {findModel, getModel, listModels, recordEvaluation, registerCandidate, setModelStatus, syncServingStatuses} from '../../../src/lib/serving/registry.js'
import {useTestDatabase} from '../../support/db.js'
import {clearServing, registerModel} from '../../support/serving.js'

describe('registry', () => {
  const t = useTestDatabase()
  beforeEach(() => clearServing(t.sql))

  it('registers a candidate once; registering it again changes nothing', async () => {
    const first = await registerCandidate(t.sql, {name: 'ft:a', baseModel: 'gpt-4o-mini-2024-07-18', jobId: 'ftjob-1'})
    const again = await registerCandidate(t.sql, {name: 'ft:a', baseModel: 'other', jobId: 'ftjob-2'})
    assert.deepEqual([first.status, again.baseModel, again.jobId, first.evaluation], ['candidate', 'gpt-4o-mini-2024-07-18', 'ftjob-1', null])
  })

  it('stores the evaluation verdict promote reads', async () => {
    await registerModel(t.sql, 'ft:b', 'fail')
    assert.equal((await getModel(t.sql, 'ft:b')).evaluation?.verdict, 'fail')
    await assert.rejects(recordEvaluation(t.sql, 'ft:none', {verdict: 'pass', evaluationId: 1, baseline: 'x', primaryMetric: 'm', difference: 0, at: ''}), {code: 'NOT_FOUND'})
  })

  it('getModel names a missing model; findModel returns undefined', async () => {
    await assert.rejects(getModel(t.sql, 'ft:missing'), {code: 'NOT_FOUND', exitCode: 12})
    assert.equal(await findModel(t.sql, 'ft:missing'), undefined)
  })

  it('lists by status', async () => {
    await registerModel(t.sql, 'ft:c1')
    await registerModel(t.sql, 'ft:c2')
    await setModelStatus(t.sql, 'ft:c2', 'deleted')
    assert.deepEqual((await listModels(t.sql, {statuses: ['deleted']})).map((model) => model.name), ['ft:c2'])
  })

  it('syncServingStatuses: exactly the serving models are promoted; the others retire; deleted stays deleted', async () => {
    for (const name of ['ft:old', 'ft:new', 'ft:canary', 'ft:idle', 'ft:gone']) await registerModel(t.sql, name)
    await setModelStatus(t.sql, 'ft:old', 'promoted')
    await setModelStatus(t.sql, 'ft:gone', 'deleted')
    await syncServingStatuses(t.sql, ['ft:new', 'ft:canary', 'ft:gone', 'gpt-4o-mini'])
    const statuses = Object.fromEntries((await listModels(t.sql)).map((model) => [model.name, model.status]))
    assert.deepEqual(statuses, {'ft:old': 'retired', 'ft:new': 'promoted', 'ft:canary': 'promoted', 'ft:idle': 'candidate', 'ft:gone': 'deleted'})
  })
})
