import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {leftovers, linesOf, runLoopftBounded, sha256File, startLoopft} from './helpers.js'

const SAMPLE = path.resolve('examples/conversations.jsonl')
// Ten by default, as the issue measured; LOOPFT_FAULT_KILLS=2 for a quick local run.
const KILLS = Number(process.env.LOOPFT_FAULT_KILLS ?? 10)

interface Backend {
  name: string
  env(work: string): Record<string, string>
}

/**
 * kill -9 at a random moment of an export, then the same export again: it
 * must succeed at once (no stale lock), write a daily file byte-identical to
 * an uninterrupted run's, leave the master without duplicates or losses, and
 * leave no temporary file and no run shown as running.
 */
function killTest(backend: Backend): void {
  describe(`faults: kill -9 during export ×${KILLS} (${backend.name})`, function () {
    this.timeout(KILLS * 240_000 + 240_000)
    let work: string
    const env = () => backend.env(work)
    const out = () => path.join(work, 'exports')

    before(async () => {
      work = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-fault-kill-'))
    })
    after(async () => {
      await fs.rm(work, {recursive: true, force: true})
    })

    it('every rerun after a kill publishes the same files and leaves nothing behind', async () => {
      const imported = await runLoopftBounded(['import', SAMPLE, '--relative-to-now', '--json'], env())
      assert.equal(imported.status, 0, imported.stderr)
      const until = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString()
      const window = ['export', '--since', '48h', '--until', until, '--json']
      const started = Date.now()
      const reference = await runLoopftBounded(window, env())
      const duration = Date.now() - started
      assert.equal(reference.status, 0, reference.stderr)
      const dailySha = await sha256File(reference.json.dailyFile)
      const master = (await linesOf(out(), 'master')).sort()
      assert.ok(master.length > 250)

      const outcomes: string[] = []
      for (let kill = 0; kill < KILLS; kill += 1) {
        const {child, done} = startLoopft(window, env())
        const delay = Math.floor(Math.random() * duration)
        const timer = setTimeout(() => child.kill('SIGKILL'), delay)
        const killed = await done
        clearTimeout(timer)
        outcomes.push(killed.signal === 'SIGKILL' ? `killed at ${delay} ms` : `finished (${killed.status}) before ${delay} ms`)
        const rerun = await runLoopftBounded(window, env())
        assert.equal(rerun.status, 0, `rerun after ${outcomes.at(-1)}: ${rerun.stdout} ${rerun.stderr}`)
        assert.equal(await sha256File(rerun.json.dailyFile), dailySha, `daily file after ${outcomes.at(-1)}`)
        assert.deepEqual((await linesOf(out(), 'master')).sort(), master, `master after ${outcomes.at(-1)}`)
        assert.deepEqual(await leftovers(out()), [], `temporaries after ${outcomes.at(-1)}`)
      }
      const status = await runLoopftBounded(['status', '--json'], env())
      assert.deepEqual(status.json.exportRuns.filter((run: {status: string}) => run.status === 'running'), [])
      assert.ok(outcomes.some((outcome) => outcome.startsWith('killed')), outcomes.join('; '))
    })
  })
}

describe('faults: kill -9', () => {
  const t = useTestDatabase()
  killTest({name: 'real Postgres', env: (work) => ({DATABASE_URL: t.url, LOOPFT_OUT_DIR: path.join(work, 'exports'), LOOPFT_HOME: path.join(work, 'home')})})
  killTest({name: 'embedded PGlite', env: (work) => ({LOOPFT_OUT_DIR: path.join(work, 'exports'), LOOPFT_HOME: path.join(work, 'home')})})
})
