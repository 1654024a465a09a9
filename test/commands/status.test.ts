import assert from 'node:assert/strict'
import {useTestDatabase} from '../support/db.js'
import {runLoopft} from '../support/run-cli.js'

describe('loopft status', () => {
  const t = useTestDatabase()

  it('--json returns runs, jobs, candidates, serving and cost (exit 0)', async () => {
    await t.sql`insert into loopft_models (name, base_model) values ('ft:gpt-4o-mini-2024-07-18:org::abcd1234', 'gpt-4o-mini-2024-07-18')`
    const result = await runLoopft(['status', '--json'], {DATABASE_URL: t.url, LOOPFT_MONTHLY_BUDGET: '25'})
    assert.equal(result.status, 0, result.stderr)
    assert.deepEqual(Object.keys(result.json).sort(), ['candidates', 'cost', 'cycles', 'deployments', 'exportRuns', 'jobs', 'quarantine', 'serving'])
    assert.deepEqual([result.json.candidates[0].name, result.json.serving.model, result.json.cost], ['ft:gpt-4o-mini-2024-07-18:org::abcd1234', null, {spentThisMonthUsd: 0, monthlyBudgetUsd: 25}])
  })

  it('prints plain tab-separated tables off a TTY', async () => {
    const result = await runLoopft(['status'], {DATABASE_URL: t.url})
    assert.equal(result.status, 0, result.stderr)
    assert.match(result.stdout, /^model\tbase\tevaluation\tcreated$/m)
  })
})
