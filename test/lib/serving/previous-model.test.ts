import assert from 'node:assert/strict'
import {protectedModels} from '../../../src/lib/serving/model-protections.js'
import {previouslyServedModel} from '../../../src/lib/serving/previous-model.js'
import {useTestDatabase} from '../../support/db.js'
import {clearServing} from '../../support/serving.js'

describe('previous model', () => {
  const t = useTestDatabase()
  beforeEach(async () => {
    await clearServing(t.sql)
  })

  it('rollback and prune agree on it, ties on config_version broken by the later row', async () => {
    assert.equal(await previouslyServedModel(t.sql), null)
    await t.sql`insert into loopft_promotions (action, from_model, to_model, actor, config_version) values
      ('promote', null, 'ft:a', 'ci', 1),
      ('promote', 'ft:a', 'ft:b', 'ci', 2),
      ('promote', 'ft:b', 'ft:c', 'ci', 2),
      ('canary', 'ft:c', 'ft:d', 'ci', 3)`
    assert.equal(await previouslyServedModel(t.sql), 'ft:b')
    assert.equal((await protectedModels(t.sql)).get('ft:b'), 'rollback target: the previously promoted model')
  })
})
