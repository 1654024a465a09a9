import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'
import {runLoopft} from '../support/run-cli.js'

describe('loopft doctor', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  let dir: string

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-doctor-cmd-'))
  })
  after(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  it('--json lists every check with a status and exits 0 when none fails', async () => {
    const result = await runLoopft(['doctor', '--json'], {DATABASE_URL: t.url, LOOPFT_OUT_DIR: dir, LOOPFT_MAX_BYTES: '1KB', ...openai.env()})
    assert.equal(result.status, 0, result.stdout)
    assert.equal(result.json.ok, true)
    assert.deepEqual(result.json.checks.map((check: {name: string}) => check.name),
      ['database', 'catalog', 'api', 'fine-tuning', 'provider cut-off', 'base model shutdown', 'disk', 'last export', 'last tune', 'last evaluation'])
    assert.ok(result.json.checks.every((check: {status: string; detail: string}) => ['ok', 'warn', 'fail'].includes(check.status) && check.detail !== ''))
  })

  it('exits 15 (CHECK_FAILED) when a check fails, with every check as the error result, and never prints the key', async () => {
    openai.standin.setApiKey('sk-the-right-one')
    const result = await runLoopft(['doctor', '--json'], {DATABASE_URL: t.url, LOOPFT_OUT_DIR: dir, ...openai.env(), OPENAI_API_KEY: 'sk-secret-wrong-4242'})
    assert.deepEqual([result.status, result.json.error.code], [15, 'CHECK_FAILED'])
    const api = result.json.error.result.checks.find((check: {name: string}) => check.name === 'api')
    assert.deepEqual([result.json.error.result.ok, api.status], [false, 'fail'])
    assert.match(result.json.error.message, /\bapi\b/)
    assert.doesNotMatch(result.stdout + result.stderr, /sk-secret-wrong-4242/)
  })
})
