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

  // Defaults without an announced shutdown: the CLI runs on the real clock, and OpenAI's defaults fail doctor from 2026-12-15.
  const liveDefaults = {LOOPFT_DEFAULT_TEXT_MODEL: 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct', LOOPFT_VISION_MODEL: 'nebius:Qwen/Qwen2.5-VL-72B-Instruct'}

  it('--json lists every check with a status and exits 0 when none fails', async () => {
    const result = await runLoopft(['doctor', '--json'], {DATABASE_URL: t.url, LOOPFT_OUT_DIR: dir, LOOPFT_MAX_BYTES: '1KB', ...liveDefaults, ...openai.env()})
    assert.equal(result.status, 0, result.stdout)
    assert.equal(result.json.ok, true)
    assert.deepEqual(result.json.checks.map((check: {name: string}) => check.name),
      ['database', 'catalog', 'api', 'fine-tuning', 'provider cut-off', 'base model shutdown', 'default text model', 'default vision model', 'disk', 'last export', 'last tune', 'last evaluation', 'quarantine'])
    assert.ok(result.json.checks.every((check: {status: string; detail: string}) => ['ok', 'warn', 'fail'].includes(check.status) && check.detail !== ''))
  })

  it('exits 15 when a default model is past its shutdown date in the catalog, naming the successor', async () => {
    const prices = path.join(dir, 'prices.json')
    await fs.writeFile(prices, JSON.stringify({retirements: {nebius: {'meta-llama/Meta-Llama-3.1-8B-Instruct': {shutdownDate: '2020-01-01', successor: 'together:meta-llama/Meta-Llama-3.1-8B-Instruct-Reference'}}}}))
    const result = await runLoopft(['doctor', '--json'], {DATABASE_URL: t.url, LOOPFT_OUT_DIR: dir, LOOPFT_MAX_BYTES: '1KB', ...liveDefaults, LOOPFT_PRICES_FILE: prices, ...openai.env()})
    const text = result.json.error.result.checks.find((check: {name: string}) => check.name === 'default text model')
    assert.deepEqual([result.status, text.status, text.detail], [15, 'fail', 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct was shut down on 2020-01-01'])
    assert.match(text.fix, /^move to together:meta-llama\/Meta-Llama-3\.1-8B-Instruct-Reference: set LOOPFT_DEFAULT_TEXT_MODEL=together:/)
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
