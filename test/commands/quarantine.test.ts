import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createRedactor} from '../../src/lib/redact/index.js'
import {useTestDatabase} from '../support/db.js'
import {runLoopft} from '../support/run-cli.js'

// Values nobody here wrote (libphonenumber's example numbers, RFC 5737's documentation addresses),
// here and in the independent labelled set: the test uses the first few lines that the redactor
// still misses and verify catches, so it keeps working as the redactor improves.
const INDEPENDENT = readFileSync(fileURLToPath(new URL('../fixtures/redact/independent/positives.jsonl', import.meta.url)), 'utf8')
  .split('\n').filter(Boolean).map((line) => (JSON.parse(line) as {text: string}).text)
const POOL = [
  '電話は+81 90-1234-5678です',
  '내 번호는 +82 10-2000-0000이에요',
  '服务器在192.0.2.33。',
  'サーバーは198.51.100.7です',
  'call me on (201)555-0123 tonight',
  '折り返しは+1 201-555-0123まで',
]
const CLEAN = [['Wie spät ist es in Berlin?', 'Um 14:30 Uhr.'], ['¿Cuánto cuesta el libro?', 'Cuesta 12,50 €.'], ['Quel temps fait-il à Lyon ?', 'Il pleut.']]

describe('loopft export (quarantine) / quarantine / status', () => {
  const t = useTestDatabase()
  let work: string
  const env = (extra: Record<string, string> = {}) => ({DATABASE_URL: t.url, LOOPFT_OUT_DIR: path.join(work, 'exports'), LOOPFT_HOME: path.join(work, 'home'), ...extra})
  const redactor = createRedactor()
  const missed = [...POOL, ...INDEPENDENT].filter((line) => redactor.verify(redactor.redact(line).text).length > 0).slice(0, 4)

  async function insertWindow(day: string): Promise<void> {
    const rows = [...missed.map((line) => [line, 'OK']), ...CLEAN].flatMap(([question, answer], index) => [
      {conversation_id: `${day}-${index}`, user_id: `user-${index}`, role: 'user', content: question, created_at: new Date(`${day}T01:00:00Z`)},
      {conversation_id: `${day}-${index}`, user_id: `user-${index}`, role: 'assistant', content: answer, created_at: new Date(`${day}T01:01:00Z`)},
    ])
    await t.sql`insert into conversation_messages ${t.sql(rows, 'conversation_id', 'user_id', 'role', 'content', 'created_at')}`
  }
  const exportDay = (day: string, args: string[] = [], extraEnv: Record<string, string> = {}) =>
    runLoopft(['export', '--since', `${day}T00:00:00Z`, '--until', `${day}T12:00:00Z`, '--json', ...args], env(extraEnv))

  before(() => {
    assert.ok(missed.length > 0, 'the redactor now catches every line of POOL: add lines it still misses and verify catches')
  })
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-cli-quarantine-'))
  })
  afterEach(async () => {
    await t.sql`truncate conversation_messages, loopft_examples, loopft_export_runs, loopft_quarantined_examples`
    await fs.rm(work, {recursive: true, force: true})
  })

  it('export publishes everything else, exits 0 with a warning, and quarantine --json shows them masked', async () => {
    await insertWindow('2026-11-20')
    const exported = await exportDay('2026-11-20')
    assert.equal(exported.status, 0, exported.stderr)
    assert.deepEqual([exported.json.status, exported.json.examplesWritten, exported.json.skipped.pii_suspected, exported.json.quarantine.examples], ['succeeded', CLEAN.length, missed.length, missed.length])
    assert.equal(exported.json.warnings.length, 1)
    assert.match(exported.stderr, new RegExp(`^loopft: warning: ${missed.length} example\\(s\\) quarantined.*loopft quarantine --run ${exported.json.id}$`, 'm'))
    const daily = await fs.readFile(exported.json.dailyFile, 'utf8')
    assert.equal(daily.split('\n').filter(Boolean).length, CLEAN.length)
    for (const line of missed) assert.ok(!daily.includes(line), line)

    const review = await runLoopft(['quarantine', '--json'], env())
    assert.equal(review.status, 0, review.stderr)
    assert.deepEqual(Object.keys(review.json).sort(), ['examples', 'runId', 'total'])
    assert.deepEqual([review.json.runId, review.json.total], [exported.json.id, missed.length])
    for (const example of review.json.examples) {
      assert.deepEqual(Object.keys(example).sort(), ['conversationId', 'exampleIndex', 'exportRunId', 'finds', 'id', 'messages', 'recordedAt'])
      assert.ok(example.finds.length > 0 && example.finds.every((find: {message: number; start: number; end: number}) => example.messages[find.message].content.slice(find.start, find.end).match(/^[9９aAx\W_]+$/)))
    }
    for (const found of missed.flatMap((line) => redactor.verify(line).map((find) => find.value))) assert.ok(!review.stdout.includes(found), `${found} shown`)

    const plain = await runLoopft(['quarantine', '--run', String(exported.json.id)], env())
    assert.equal(plain.status, 0, plain.stderr)
    assert.match(plain.stdout, new RegExp(`^export run ${exported.json.id}: ${missed.length} quarantined example\\(s\\)$`, 'm'))
    assert.match(plain.stdout, /⟦(PHONE|IP) [9+ ().-]+⟧/)

    const status = await runLoopft(['status', '--json'], env())
    assert.equal(status.status, 0, status.stderr)
    assert.deepEqual([status.json.quarantine.quarantined, status.json.quarantine.examples, status.json.quarantine.aboveWarnRate], [missed.length, missed.length + CLEAN.length, true])
    assert.match(status.stderr, /^loopft: warning: export quarantined /m)
  })

  it('--strict, and LOOPFT_VERIFY=strict, exit 13 and publish nothing; --no-strict overrides the variable', async () => {
    await insertWindow('2026-11-21')
    const strict = await exportDay('2026-11-21', ['--strict'])
    assert.deepEqual([strict.status, strict.json.error.code], [13, 'PII_SURVIVED'])
    assert.deepEqual(await fs.readdir(path.join(work, 'exports')), [])
    const byEnv = await exportDay('2026-11-21', [], {LOOPFT_VERIFY: 'strict'})
    assert.deepEqual([byEnv.status, byEnv.json.error.code], [13, 'PII_SURVIVED'])
    assert.deepEqual(await fs.readdir(path.join(work, 'exports')), [])
    const review = await runLoopft(['quarantine', '--json'], env())
    assert.equal(review.json.total, missed.length, 'what stopped the strict run is kept for review')
    const overridden = await exportDay('2026-11-21', ['--no-strict'], {LOOPFT_VERIFY: 'strict'})
    assert.deepEqual([overridden.status, overridden.json.skipped.pii_suspected], [0, missed.length])
    const invalid = await exportDay('2026-11-21', [], {LOOPFT_VERIFY: 'sometimes'})
    assert.deepEqual([invalid.status, invalid.json.error.code], [3, 'CONFIG_INVALID'])
  })

  it('quarantine --run names an unknown run (exit 12), and says so when nothing was ever quarantined', async () => {
    const none = await runLoopft(['quarantine'], env())
    assert.deepEqual([none.status, none.stdout.trim()], [0, 'no export run has quarantined an example'])
    const unknown = await runLoopft(['quarantine', '--run', '424242', '--json'], env())
    assert.deepEqual([unknown.status, unknown.json.error.code], [12, 'NOT_FOUND'])
  })
})
