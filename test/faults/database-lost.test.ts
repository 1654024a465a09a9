import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {TEST_DATABASE_URL, useTestDatabase} from '../support/db.js'
import {startTcpProxy, type TcpProxy} from '../support/tcp-proxy.js'
import {leftovers, runLoopftBounded, startLoopft} from './helpers.js'
import {multiplySample} from './volume.js'

const SAMPLE = path.resolve('examples/conversations.jsonl')

/**
 * The database goes away mid-export. The machine's shared Postgres is never
 * stopped: the export talks to it through a loopback proxy, which the test cuts.
 */
describe('faults: the database lost during export (real Postgres behind a proxy)', function () {
  this.timeout(300_000)
  const t = useTestDatabase()
  let work: string
  let proxy: TcpProxy

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-fault-dblost-'))
    const target = new URL(TEST_DATABASE_URL)
    proxy = await startTcpProxy({host: target.hostname, port: Number(target.port || 5432)})
  })
  after(async () => {
    await proxy?.stop()
    await fs.rm(work, {recursive: true, force: true})
  })

  it('exits 4 with a JSON error, publishes nothing, and the next run marks it interrupted', async () => {
    const env = {DATABASE_URL: proxy.urlFor(t.url), LOOPFT_OUT_DIR: path.join(work, 'exports'), LOOPFT_HOME: path.join(work, 'home')}
    const imported = await runLoopftBounded(['import', SAMPLE, '--relative-to-now', '--json'], env)
    assert.equal(imported.status, 0, imported.stderr)
    await multiplySample(t.sql, 60)

    const {child, done} = startLoopft(['export', '--since', '48h', '--json'], env)
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000)
    // Cut once the run is recorded and reading (its row says running), a moment into the stream.
    for (let waited = 0; waited < 120_000; waited += 100) {
      const [row] = await t.sql`select 1 from loopft_export_runs where status = 'running'`
      if (row !== undefined) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    await proxy.stop()
    const lost = await done
    clearTimeout(timer)
    assert.deepEqual([lost.status, lost.json?.error?.code], [4, 'DB_UNAVAILABLE'], `${lost.stdout} ${lost.stderr}`)
    assert.doesNotMatch(lost.stderr, /TypeError|at .*connection\.js/, 'no stack trace')
    const published = (await fs.readdir(env.LOOPFT_OUT_DIR)).filter((name) => !name.startsWith('.'))
    assert.deepEqual(published, [])

    await proxy.start()
    const next = await runLoopftBounded(['export', '--since', '1h', '--json'], env)
    assert.equal(next.status, 0, next.stderr)
    const statuses = (await t.sql<{status: string}[]>`select status from loopft_export_runs order by id`).map((row) => row.status)
    assert.deepEqual(statuses, ['interrupted', 'succeeded'])
    assert.deepEqual(await leftovers(env.LOOPFT_OUT_DIR), [])
  })
})
