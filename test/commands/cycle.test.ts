import assert from 'node:assert/strict'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'
import {runLoopft} from '../support/run-cli.js'

describe('loopft cycle', () => {
  const database = useTestDatabase()
  const openai = useOpenAIStandin()

  const loopft = (args: string[]) => runLoopft(['cycle', ...args], {DATABASE_URL: database.url, ...openai.env()})

  it('--dry-run --json previews without recording a cycle', async () => {
    const {status, json} = await loopft(['--dry-run', '--json'])
    assert.deepEqual([status, json.dryRun, json.cycleId, json.outcome, json.steps.tune.state], [0, true, null, 'nothing-to-do', 'skipped'])
    assert.equal((await database.sql`select 1 from loopft_cycles`).length, 0)
  })

  it('asks for confirmation, and without a TTY or --yes exits 2', async () => {
    const {status, json} = await loopft(['--json'])
    assert.deepEqual([status, json.error.code], [2, 'USAGE'])
  })

  it('--yes --json records a skipped cycle when there is no new export', async () => {
    const {status, json} = await loopft(['--yes', '--json'])
    assert.deepEqual([status, json.outcome, Object.values(json.steps).map((step) => (step as {state: string}).state)], [0, 'nothing-to-do', ['skipped', 'skipped', 'skipped', 'skipped']])
    const rows = await database.sql<{status: string}[]>`select status from loopft_cycles`
    assert.deepEqual(rows.map((row) => row.status), ['succeeded'])
  })

  it('off a terminal (cron), prints one plain line per step with the elapsed time, and ends with what happened', async () => {
    const {status, stdout, stderr} = await loopft(['--yes'])
    assert.equal(status, 0, stderr)
    const lines = stderr.trim().split('\n')
    assert.ok(lines.every((line) => /^\[ *\d+s\] /.test(line)), stderr)
    assert.deepEqual(lines.map((line) => line.replace(/^\[ *\d+s\] /, '').replace(/since \S+$/, 'since …').replace(/#\d+ (\S+) after \d+s/, '#N $1 after Ns')), [
      'tune: started',
      'tune: skipped: no export run ended since …',
      'cycle #N nothing-to-do after Ns: no export run ended since …',
    ])
    assert.doesNotMatch(stderr, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✔✖]/, 'no spinner in a log')
    assert.match(stdout, /^outcome\s+nothing-to-do$/m)
  })

  it('exits with the step error code and the summary as the error result when a resumed watch cannot find its job', async () => {
    await database.sql`insert into loopft_cycles (steps, job_id) values (${database.sql.json({tune: {state: 'done', detail: 'x'}})}, 'ftjob-gone')`
    const {status, json} = await loopft(['--yes', '--json', '--interval', '1s'])
    assert.deepEqual([status, json.error.code, json.error.result.resumed, json.error.result.steps.watch.state], [12, 'NOT_FOUND', true, 'failed'])
  })
})
