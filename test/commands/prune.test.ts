import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'

function loopft(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['bin/run.js', ...args], {encoding: 'utf8', env: {PATH: process.env.PATH, ...env}})
  return {status: result.status, json: JSON.parse(result.stdout || 'null'), stderr: result.stderr}
}

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

  it('--dry-run --json prints the plan, changes nothing and exits 0', () => {
    const {status, json} = loopft(['prune', '--dry-run', '--json'], {DATABASE_URL: database.url, LOOPFT_OUT_DIR: outDir})
    assert.equal(status, 0)
    assert.deepEqual([json.dryRun, json.plan.models, json.plan.archive.map((file: {path: string}) => path.basename(file.path)), json.failures], [true, [], ['fine_tune_2020-01-01.jsonl'], []])
    assert.equal(spawnSync('test', ['-f', path.join(outDir, 'fine_tune_2020-01-01.jsonl')]).status, 0)
  })

  it('refuses to delete without --yes off a TTY (usage, exit 2)', () => {
    const {status, json} = loopft(['prune', '--json'], {DATABASE_URL: database.url, LOOPFT_OUT_DIR: outDir})
    assert.deepEqual([status, json.error.code], [2, 'USAGE'])
  })

  it('--yes archives the old daily file, keeps the master and reports it', () => {
    const {status, json} = loopft(['prune', '--yes', '--json'], {DATABASE_URL: database.url, LOOPFT_OUT_DIR: outDir})
    assert.equal(status, 0)
    assert.deepEqual(json.archived.map((file: {archivePath: string}) => path.relative(outDir, file.archivePath)), ['archive/fine_tune_2020-01-01.jsonl.gz'])
    assert.equal(spawnSync('test', ['-f', path.join(outDir, 'master.jsonl')]).status, 0)
  })

  it('rejects a malformed age with a usage error', () => {
    const {status, json} = loopft(['prune', '--models-older-than', 'soon', '--json'], {DATABASE_URL: database.url})
    assert.deepEqual([status, json.error.code], [2, 'USAGE'])
  })
})
