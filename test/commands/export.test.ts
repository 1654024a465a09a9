import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {runLoopft} from '../support/run-cli.js'
import {waitFor} from '../support/wait-for.js'

const SAMPLE = path.resolve('examples/conversations.jsonl')

describe('loopft import / export', () => {
  const t = useTestDatabase()
  let work: string
  let child: ReturnType<typeof spawn> | undefined
  const env = () => ({DATABASE_URL: t.url, LOOPFT_OUT_DIR: path.join(work, 'exports'), LOOPFT_HOME: path.join(work, 'home')})

  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-cli-export-'))
  })
  afterEach(async () => {
    child?.kill('SIGKILL')
    await t.sql`truncate conversation_messages, loopft_examples, loopft_export_runs`
    await fs.rm(work, {recursive: true, force: true})
  })

  it('imports the sample and exports it: exit 0 and the typed run record', async () => {
    const imported = await runLoopft(['import', SAMPLE, '--relative-to-now', '--json'], env())
    assert.equal(imported.status, 0, imported.stderr)
    assert.deepEqual([imported.json.messagesImported, imported.json.conversations, imported.json.rejectedCount], [1976, 300, 0])
    const exported = await runLoopft(['export', '--since', '48h', '--json'], env())
    assert.equal(exported.status, 0, exported.stderr)
    const result = exported.json
    for (const key of ['id', 'status', 'window', 'messagesRead', 'conversations', 'examplesWritten', 'examplesDuplicate', 'dailyFile', 'dailyFiles', 'dailyBytes', 'dailySha256', 'masterFiles', 'redactions', 'skipped', 'verifyFindings']) {
      assert.ok(key in result, `missing ${key}`)
    }
    assert.equal(result.status, 'succeeded')
    assert.equal(result.messagesRead, 1976)
    assert.ok(result.examplesWritten > 250)
    assert.ok(result.redactions.EMAIL > 0 && result.redactions.PHONE > 0)
    const daily = await fs.readFile(result.dailyFile, 'utf8')
    assert.ok(!/@[a-z]+\.(com|io|de|me)\b/.test(daily), 'no email survives')
  })

  it('rejects bad import lines with their line numbers and exits 16, keeping the good ones', async () => {
    const file = path.join(work, 'bad.jsonl')
    await fs.writeFile(file, [
      JSON.stringify({conversation_id: 'c', role: 'user', content: 'hi', created_at: '2026-11-01T00:00:00Z'}),
      '{not json',
      JSON.stringify({conversation_id: 'c', content: 'no role'}),
      JSON.stringify({messages: [{role: 'user', content: 'q'}, {role: 'assistant', content: 'a'}]}),
    ].join('\n'))
    const imported = await runLoopft(['import', file, '--json'], env())
    assert.deepEqual([imported.status, imported.json.error.code], [16, 'PARTIAL'])
    assert.deepEqual(imported.json.error.result.rejected.map((reject: {line: number}) => reject.line), [2, 3])
    assert.equal(imported.json.error.result.messagesImported, 3)
  })

  it('a wrong flag is a one-line usage error (exit 2); a dead database is exit 4', async () => {
    const wrong = await runLoopft(['export', '--sinse', '24h', '--json'], env())
    assert.deepEqual([wrong.status, wrong.json.error.code], [2, 'USAGE'])
    const dead = await runLoopft(['export', '--since', '24h'], {...env(), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test'})
    assert.equal(dead.status, 4)
    assert.equal(dead.stderr.trim().split('\n').length, 1, dead.stderr)
    assert.match(dead.stderr, /^loopft: DB_UNAVAILABLE: /)
  })

  it('an export killed midway (SIGKILL) leaves the earlier files unchanged, and the next run completes', async function () {
    this.timeout(180_000)
    await runLoopft(['import', SAMPLE, '--relative-to-now', '--json'], env())
    const first = await runLoopft(['export', '--since', '48h', '--json'], env())
    assert.equal(first.status, 0, first.stderr)
    const outDir = env().LOOPFT_OUT_DIR
    const before = await snapshot(outDir)
    await t.sql`
      insert into conversation_messages (conversation_id, user_id, role, content, created_at)
      select 'bulk-' || (g / 2), 'u', case when g % 2 = 0 then 'user' else 'assistant' end,
        'message ' || g || ' mail x' || g || '@example.com ' || repeat('lorem ipsum ', 20), now()
      from generate_series(0, 199999) g`
    child = spawn(process.execPath, ['bin/run.js', 'export', '--since', 'last', '--json'], {env: {...process.env, ...env()}, stdio: 'ignore'})
    await waitFor(async () => (await fs.readdir(outDir)).some((name) => name.includes('.tmp-')), {intervalMs: 50, what: 'a temporary export file'})
    const killed = child
    killed.kill('SIGKILL')
    await new Promise((resolve) => killed.on('close', resolve))
    const after = await snapshot(outDir, {ignoreTemporary: true})
    assert.deepEqual(after, before)
    const next = await runLoopft(['export', '--since', 'last', '--json'], env())
    assert.equal(next.status, 0, next.stderr)
    assert.equal(next.json.examplesWritten, 100_000)
    assert.ok(!(await fs.readdir(outDir)).some((name) => name.includes('.tmp-')), 'no temporary files left')
  })
})

async function snapshot(directory: string, options: {ignoreTemporary?: boolean} = {}): Promise<Record<string, string>> {
  const entries: Record<string, string> = {}
  for (const name of (await fs.readdir(directory)).sort()) {
    if (options.ignoreTemporary && name.includes('.tmp-')) continue
    entries[name] = await fs.readFile(path.join(directory, name), 'utf8')
  }
  return entries
}
