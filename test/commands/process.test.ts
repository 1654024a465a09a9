import assert from 'node:assert/strict'
import {useTestDatabase} from '../support/db.js'
import {runLoopftProcess} from '../support/run-cli.js'

// The other command tests run in-process (runLoopft); these run `node bin/run.js`
// once per way a process ends, so the bin script, oclif's top-level handler and
// the real exit status stay covered.
describe('loopft as a process (node bin/run.js)', () => {
  const database = useTestDatabase()

  it('success: --json prints the typed result on stdout and exits 0', async () => {
    const result = await runLoopftProcess(['status', '--json'], {DATABASE_URL: database.url})
    assert.equal(result.status, 0, result.stderr)
    assert.ok(Array.isArray(result.json.exportRuns), result.stdout)
    assert.equal(result.stderr, '')
  })

  it('usage error: an unknown flag exits 2 with the error as JSON', async () => {
    const result = await runLoopftProcess(['export', '--since', '24h', '--no-such-flag', '--json'], {DATABASE_URL: database.url})
    assert.deepEqual([result.status, result.json?.error?.code], [2, 'USAGE'], result.stdout + result.stderr)
  })

  it('dead database: exit 4 and one line on stderr', async () => {
    const result = await runLoopftProcess(['export', '--since', '24h'], {DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test'})
    assert.equal(result.status, 4)
    assert.match(result.stderr, /^loopft: DB_UNAVAILABLE: [^\n]+\n$/)
  })

  it('a confirmation without a TTY or --yes exits 2 instead of waiting for input', async () => {
    const result = await runLoopftProcess(['cycle', '--json'], {DATABASE_URL: database.url, OPENAI_API_KEY: 'sk-never-used', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1'})
    assert.deepEqual([result.status, result.json?.error?.code], [2, 'USAGE'], result.stdout + result.stderr)
    assert.equal((await database.sql`select 1 from loopft_cycles`).length, 0)
  })
})
