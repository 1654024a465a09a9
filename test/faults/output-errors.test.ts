import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {runLoopftBounded} from './helpers.js'
import {mountTmpfs, multiplySample, unmount} from './volume.js'

const SAMPLE = path.resolve('examples/conversations.jsonl')
const EXIT_WITHIN_MS = 10_000

/**
 * Export onto a full disk, a read-only file system and a folder that cannot
 * exist: each exits with its documented code and a JSON error within 10 s of
 * the failure (the run's finished_at), and publishes nothing.
 */
describe('faults: export output errors (real Postgres)', function () {
  this.timeout(300_000)
  const t = useTestDatabase()
  let work: string
  let volume: string
  const env = (out: string) => ({DATABASE_URL: t.url, LOOPFT_OUT_DIR: out, LOOPFT_HOME: path.join(work, 'home')})

  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-fault-output-'))
    const imported = await runLoopftBounded(['import', SAMPLE, '--relative-to-now', '--json'], env(path.join(work, 'unused')))
    assert.equal(imported.status, 0, imported.stderr)
    await multiplySample(t.sql, 30)
  })
  beforeEach(async () => {
    volume = await fs.mkdtemp(path.join(work, 'volume-'))
  })
  afterEach(async () => {
    unmount(volume)
    await t.sql`truncate loopft_examples, loopft_export_runs`
  })
  after(async () => {
    await fs.rm(work, {recursive: true, force: true})
  })

  const expectPromptFailure = async (out: string, code: string, exitCode: number) => {
    const result = await runLoopftBounded(['export', '--since', '48h', '--json'], env(out), {timeoutMs: 180_000})
    assert.deepEqual([result.status, result.json?.error?.code], [exitCode, code], `${result.stdout} ${result.stderr}`)
    assert.ok(result.json.error.suggestion, 'a suggestion')
    const [run] = await t.sql<{status: string; finished_at: Date}[]>`select status, finished_at from loopft_export_runs order by id desc limit 1`
    assert.equal(run.status, 'failed')
    assert.ok(result.endedAt - run.finished_at.getTime() < EXIT_WITHIN_MS, `exited ${result.endedAt - run.finished_at.getTime()} ms after the failure`)
    const published = (await fs.readdir(out).catch(() => [])).filter((name) => !name.startsWith('.'))
    assert.deepEqual(published, [], 'nothing published')
  }

  it('a full 1 MB tmpfs: exit 19 SYSTEM_ERROR', async function () {
    if (!mountTmpfs(volume, '1m')) this.skip()
    await expectPromptFailure(volume, 'SYSTEM_ERROR', 19)
  })

  it('a read-only file system: exit 19 SYSTEM_ERROR', async function () {
    if (!mountTmpfs(volume, '1m', {readOnly: true})) this.skip()
    await expectPromptFailure(volume, 'SYSTEM_ERROR', 19)
  })

  it('/proc/x and a path under a file: exit 19 and exit 3 at once, never a mkdir loop', async () => {
    const proc = await runLoopftBounded(['export', '--since', '48h', '--out', '/proc/x', '--json'], env(volume), {timeoutMs: 60_000})
    assert.deepEqual([proc.status, proc.json?.error?.code], [19, 'SYSTEM_ERROR'])
    const file = path.join(work, 'a-file')
    await fs.writeFile(file, '')
    const underFile = await runLoopftBounded(['export', '--since', '48h', '--out', path.join(file, 'x'), '--json'], env(volume), {timeoutMs: 60_000})
    assert.deepEqual([underFile.status, underFile.json?.error?.code], [3, 'CONFIG_INVALID'])
  })
})
