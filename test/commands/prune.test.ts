import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {runLoopft as loopft} from '../support/run-cli.js'

describe('loopft prune', () => {
  const database = useTestDatabase()
  let outDir: string

  before(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-prune-cmd-'))
    await fs.writeFile(path.join(outDir, 'fine_tune_2020-01-01.jsonl'), '{"messages":[]}\n')
    await fs.writeFile(path.join(outDir, 'master.jsonl'), '{"messages":[]}\n')
  })
  after(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  it('--dry-run --json prints the plan, changes nothing and exits 0', async () => {
    const {status, json} = await loopft(['prune', '--dry-run', '--json'], {DATABASE_URL: database.url, LOOPFT_OUT_DIR: outDir})
    assert.equal(status, 0)
    assert.deepEqual([json.dryRun, json.plan.models, json.plan.archive.map((file: {path: string}) => path.basename(file.path)), json.failures], [true, [], ['fine_tune_2020-01-01.jsonl'], []])
    await fs.access(path.join(outDir, 'fine_tune_2020-01-01.jsonl'))
  })

  it('refuses to delete without --yes off a TTY (usage, exit 2)', async () => {
    const {status, json} = await loopft(['prune', '--json'], {DATABASE_URL: database.url, LOOPFT_OUT_DIR: outDir})
    assert.deepEqual([status, json.error.code], [2, 'USAGE'])
  })

  it('--yes archives the old daily file, keeps the master and reports it', async () => {
    const {status, json} = await loopft(['prune', '--yes', '--json'], {DATABASE_URL: database.url, LOOPFT_OUT_DIR: outDir})
    assert.equal(status, 0)
    assert.deepEqual(json.archived.map((file: {archivePath: string}) => path.relative(outDir, file.archivePath)), ['archive/fine_tune_2020-01-01.jsonl.gz'])
    await fs.access(path.join(outDir, 'master.jsonl'))
  })

  it('rejects a malformed age with a usage error', async () => {
    const {status, json} = await loopft(['prune', '--models-older-than', 'soon', '--json'], {DATABASE_URL: database.url})
    assert.deepEqual([status, json.error.code], [2, 'USAGE'])
  })
})
