import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type {Database} from '../../../src/lib/db/connection.js'
import {exportConversations, type ExportOptions} from '../../../src/lib/export/index.js'
import {readQuarantineRate, reviewQuarantine} from '../../../src/lib/export/quarantine-ledger.js'
import {forgetUser} from '../../../src/lib/operations/forget.js'
import {executePrune, planPrune} from '../../../src/lib/operations/prune.js'
import {createRedactor, type Redactor} from '../../../src/lib/redact/index.js'
import {describeOnBothBackends} from '../../support/backends.js'

const T0 = new Date('2026-11-20T00:00:00Z')
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000)
const DAY = 86_400_000

// Values nobody here wrote: libphonenumber's example numbers (JP mobile 90-1234-5678, KR mobile
// 10-2000-0000), RFC 5737's documentation addresses, RFC 5322 Appendix A's mailboxes.
const SUSPECT_VALUES = ['+81 90-1234-5678', '192.0.2.33', 'mary@example.net']
const CONVERSATIONS = [
  {id: 'ja', user: 'u-ja', question: '電話は+81 90-1234-5678です', answer: 'わかりました、折り返します。'},
  {id: 'zh', user: 'u-zh', question: '服务器在192.0.2.33。能访问吗?', answer: '可以。'},
  {id: 'fr', user: 'u-fr', question: 'Écrivez à Mary Smith <mary@example.net> demain', answer: "D'accord."},
  {id: 'de', user: 'u-de', question: 'Wie spät ist es in Berlin?', answer: 'Um 14:30 Uhr.'},
  {id: 'es', user: 'u-es', question: '¿Cuánto cuesta el libro?', answer: 'Cuesta 12,50 €.'},
  {id: 'ko', user: 'u-ko', question: '콘서트는 몇 시에 시작해요?', answer: '7시에 시작해요.'},
]

async function insertConversations(db: Database): Promise<void> {
  const rows = CONVERSATIONS.flatMap((conversation, index) => [
    {conversation_id: conversation.id, user_id: conversation.user, role: 'user', content: conversation.question, created_at: at(index * 2)},
    {conversation_id: conversation.id, user_id: conversation.user, role: 'assistant', content: conversation.answer, created_at: at(index * 2 + 1)},
  ])
  await db.sql`insert into conversation_messages ${db.sql(rows, 'conversation_id', 'user_id', 'role', 'content', 'created_at')}`
}

async function readAll(directory: string): Promise<string> {
  const names = await fs.readdir(directory)
  return (await Promise.all(names.map((name) => fs.readFile(path.join(directory, name), 'utf8')))).join('')
}

describeOnBothBackends('export quarantine', (backend) => {
  let outDir: string
  // Redaction that misses everything, so what verify finds does not depend on how good the redactor is today.
  const redactor = createRedactor()
  const missesEverything: Redactor = {...redactor, redact: (text) => ({text, counts: {}, total: 0})}
  const run = (options: Partial<ExportOptions> = {}) =>
    exportConversations(backend.db, {since: '2026-11-20T00:00:00Z', until: '2026-11-21T00:00:00Z', outDir, maxBytes: 50_000_000, maxExampleTokens: 65_536, redactor: missesEverything, ...options})

  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-quarantine-'))
    await insertConversations(backend.db)
  })
  afterEach(async () => {
    await backend.db.sql`truncate conversation_messages, loopft_examples, loopft_export_runs, loopft_quarantined_examples, loopft_tombstones`
    await fs.rm(outDir, {recursive: true, force: true})
  })

  it('publishes everything else, counts and names what it quarantined, warns, and records no found value', async () => {
    const result = await run()
    assert.equal(result.status, 'succeeded')
    assert.equal(result.examplesWritten, 3)
    assert.deepEqual([result.skipped.pii_suspected, result.verifyFindings], [3, 3])
    assert.deepEqual(result.quarantine.findings, {PHONE: 1, IP: 1, EMAIL: 1})
    assert.deepEqual(result.quarantine.named.map((item) => [item.conversationId, item.exampleIndex, item.finds.map((find) => [find.message, find.type])]).sort(), [
      ['fr', 0, [[0, 'EMAIL']]], ['ja', 0, [[0, 'PHONE']]], ['zh', 0, [[0, 'IP']]],
    ])
    assert.equal(result.warnings.length, 1)
    assert.match(result.warnings[0], new RegExp(`^3 example\\(s\\) quarantined.*loopft quarantine --run ${result.id}$`))
    const published = await readAll(outDir)
    for (const value of SUSPECT_VALUES) assert.ok(!published.includes(value), `${value} was published`)
    for (const kept of ['Wie spät ist es in Berlin?', '¿Cuánto cuesta el libro?', '콘서트는 몇 시에 시작해요?']) assert.ok(published.includes(kept), kept)

    const review = await reviewQuarantine(backend.db.sql, {limit: 10})
    assert.deepEqual([review.runId, review.total], [result.id, 3])
    const ja = review.examples.find((example) => example.conversationId === 'ja')!
    assert.deepEqual(ja.messages, [{role: 'user', content: '電話は+99 99-9999-9999です'}, {role: 'assistant', content: 'わかりました、折り返します。'}])
    assert.deepEqual(ja.finds, [{message: 0, type: 'PHONE', start: 3, end: 19}])
    const [{stored}] = await backend.db.sql<{stored: string}[]>`select string_agg(messages::text || finds::text || conversation_id, ' ') as stored from loopft_quarantined_examples`
    for (const value of SUSPECT_VALUES) assert.ok(!stored.includes(value), `${value} was stored`)
  })

  it('re-running the window replaces its quarantine rather than adding to it', async () => {
    const first = await run()
    const second = await run()
    assert.equal(second.id, first.id)
    assert.equal((await reviewQuarantine(backend.db.sql, {runId: first.id, limit: 10})).total, 3)
  })

  it('--strict fails with PII_SURVIVED, publishes nothing, and keeps what stopped it for review', async () => {
    await assert.rejects(run({verify: 'strict'}), (error: {code?: string; suggestion?: string}) => error.code === 'PII_SURVIVED' && /loopft quarantine --run \d+/.test(error.suggestion ?? ''))
    assert.deepEqual(await fs.readdir(outDir), [])
    const [row] = await backend.db.sql<{id: string; status: string; verify_findings: string}[]>`select id, status, verify_findings from loopft_export_runs`
    assert.deepEqual([row.status, Number(row.verify_findings)], ['failed', 3])
    const review = await reviewQuarantine(backend.db.sql, {runId: Number(row.id), limit: 10})
    assert.deepEqual(review.examples.map((example) => example.conversationId).sort(), ['fr', 'ja', 'zh'])
    assert.equal((await backend.db.sql`select 1 from loopft_examples`).length, 0)
  })

  it('the quarantine rate counts the last week\'s succeeded runs and warns above 0.1%', async () => {
    const now = new Date()
    assert.deepEqual(await readQuarantineRate(backend.db.sql, now), {since: new Date(now.getTime() - 7 * DAY).toISOString(), runs: 0, examples: 0, quarantined: 0, rate: null, aboveWarnRate: false})
    await run()
    const rate = await readQuarantineRate(backend.db.sql, new Date())
    assert.deepEqual([rate.runs, rate.examples, rate.quarantined, rate.rate, rate.aboveWarnRate], [1, 6, 3, 0.5, true])
    await backend.db.sql`
      insert into loopft_export_runs (idempotency_key, status, window_start, window_end, out_dir, examples_written, skipped, finished_at)
      values ('big', 'succeeded', now() - interval '2 days', now() - interval '1 day', '/x', 29994, '{}', now())`
    const diluted = await readQuarantineRate(backend.db.sql, new Date())
    assert.deepEqual([diluted.runs, diluted.examples, diluted.quarantined, diluted.aboveWarnRate], [2, 30_000, 3, false])
    assert.ok(Math.abs(diluted.rate! - 0.0001) < 1e-12)
  })

  it('forget deletes a user\'s quarantined examples (and a dry run only counts them)', async () => {
    await run()
    const dry = await forgetUser({db: backend.db}, 'u-ja', {dryRun: true})
    assert.equal(dry.quarantinedDeleted, 1)
    assert.equal((await reviewQuarantine(backend.db.sql, {limit: 10})).total, 3)
    const receipt = await forgetUser({db: backend.db}, 'u-ja', {dryRun: false})
    assert.equal(receipt.quarantinedDeleted, 1)
    const left = await reviewQuarantine(backend.db.sql, {limit: 10})
    assert.deepEqual(left.examples.map((example) => example.conversationId).sort(), ['fr', 'zh'])
  })

  it('prune deletes quarantined examples older than the archive age, and only those', async () => {
    await run()
    await backend.db.sql`update loopft_quarantined_examples set created_at = now() - interval '200 days' where conversation_id <> 'zh'`
    const deps = {db: backend.db, outDir, archiveDir: path.join(outDir, 'archive')}
    const plan = await planPrune(deps, {modelsOlderThanMs: 90 * DAY, archiveOlderThanMs: 180 * DAY})
    assert.equal(plan.quarantine.examples, 2)
    const report = await executePrune(deps, plan)
    assert.deepEqual([report.quarantinedDeleted, report.failures], [2, []])
    assert.deepEqual((await reviewQuarantine(backend.db.sql, {limit: 10})).examples.map((example) => example.conversationId), ['zh'])
  })

  it('names an unknown run NOT_FOUND, and a run without quarantine as empty', async () => {
    await assert.rejects(reviewQuarantine(backend.db.sql, {runId: 999_999, limit: 10}), (error: {code?: string}) => error.code === 'NOT_FOUND')
    const clean = await run({since: '2026-11-20T00:06:00Z'})
    assert.deepEqual(await reviewQuarantine(backend.db.sql, {runId: clean.id, limit: 10}), {runId: clean.id, total: 0, examples: []})
  })
})
