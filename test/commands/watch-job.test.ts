import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {createOpenAIProvider} from '../../src/lib/training/openai-provider.js'
import {startFineTune} from '../../src/lib/training/tune.js'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'
import {runLoopft} from '../support/run-cli.js'
import {waitFor} from '../support/wait-for.js'
import {dataset} from '../lib/training/fixtures.js'

describe('loopft watch-job', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  let dir: string
  let env: Record<string, string>
  let sequence = 0

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-watch-cmd-'))
    env = {DATABASE_URL: t.url, LOOPFT_OUT_DIR: dir}
  })
  after(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  async function startJob(): Promise<string> {
    sequence += 1
    const file = path.join(dir, `train-${sequence}.jsonl`)
    await fs.writeFile(file, dataset(12, sequence * 100))
    const result = await startFineTune({db: t.db, provider: createOpenAIProvider(openai.client(), {filePollMs: 1}), retryDelayMs: 1}, {
      file, baseModel: 'gpt-4o-mini-2024-07-18', epochs: 1, dryRun: false, force: false, outDir: dir, loopftVersion: 'test',
    })
    return result.record!.jobId!
  }
  const watch = (args: string[]) => runLoopft(['watch-job', ...args, '--interval', '1ms', '--json'], {...env, ...openai.env()})

  it('a failed job exits 9 with the error and the final record', async () => {
    openai.standin.failNextJobValidation('Invalid file format.')
    const jobId = await startJob()
    openai.standin.advanceJob(jobId)
    const result = await watch([jobId])
    assert.deepEqual([result.status, result.json.error.code, result.json.error.details.record.status, result.json.error.details.error.code],
      [9, 'JOB_FAILED', 'failed', 'invalid_training_file'])
  })

  it('a cancelled job exits 10', async () => {
    const jobId = await startJob()
    openai.standin.advanceJob(jobId, 'cancelled')
    const result = await watch([jobId])
    assert.deepEqual([result.status, result.json.error.code], [10, 'JOB_CANCELLED'])
  })

  it('a job still running at --timeout exits 17 and says how to resume', async () => {
    const jobId = await startJob()
    const result = await watch([jobId, '--timeout', '1ms'])
    assert.deepEqual([result.status, result.json.error.code, result.json.error.suggestion], [17, 'STILL_RUNNING', `resume with: loopft watch-job ${jobId}`])
  })

  it('needs a JOB_ID or --latest (usage, exit 2) and names an unknown job (exit 12)', async () => {
    const neither = await watch([])
    const unknown = await watch(['ftjob-nope'])
    assert.deepEqual([neither.status, neither.json.error.code, unknown.status, unknown.json.error.code], [2, 'USAGE', 12, 'NOT_FOUND'])
  })

  it('Ctrl-C exits 130, says how to resume, and leaves the job running', async () => {
    const jobId = await startJob()
    const child = spawn(process.execPath, ['bin/run.js', 'watch-job', jobId, '--interval', '1h', '--json'], {
      env: {PATH: process.env.PATH ?? '', ...env, ...openai.env()}, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
    await waitFor(() => openai.standin.requests.some((request) => request.path === `/fine_tuning/jobs/${jobId}/events`), {what: 'the first events request'})
    child.kill('SIGINT')
    const status = await closed
    const json = JSON.parse(stdout)
    assert.deepEqual([status, json.error.code, json.error.suggestion], [130, 'INTERRUPTED', `resume with: loopft watch-job ${jobId}`])
    assert.equal(openai.standin.store.jobs.get(jobId)!.status, 'validating_files')
    assert.equal(openai.standin.requests.some((request) => request.path.endsWith('/cancel')), false)
  })
})
