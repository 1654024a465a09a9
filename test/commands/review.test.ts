import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {useTestDatabase} from '../support/db.js'
import {useOpenAIStandin} from '../support/openai.js'
import {runLoopft} from '../support/run-cli.js'

describe('loopft review', () => {
  const t = useTestDatabase()
  const openai = useOpenAIStandin()
  let outDir: string
  let env: Record<string, string>

  before(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-review-cmd-'))
    env = {DATABASE_URL: t.url, LOOPFT_OUT_DIR: outDir, LOOPFT_ACTOR: 'ana@review', ...openai.env()}
    const started = new Date(Date.now() - 3_600_000)
    const rows = Array.from({length: 14}, (_, n) => [
      {conversation_id: `c${n}`, user_id: `u${n}`, role: 'user', content: `Which tempo suits genre number ${n}? Call me on +44 20 7946 09${String(n).padStart(2, '0')}`, created_at: new Date(started.getTime() + n * 60_000)},
      {conversation_id: `c${n}`, user_id: null, role: 'assistant', content: `Genre ${n} usually sits around ${100 + n} BPM.`, created_at: new Date(started.getTime() + n * 60_000 + 1000)},
    ]).flat()
    await t.sql`insert into conversation_messages ${t.sql(rows as never, 'conversation_id', 'user_id', 'role', 'content', 'created_at')}`
    const exported = await runLoopft(['export', '--since', '24h', '--json'], env)
    assert.equal(exported.status, 0, exported.stderr)
  })
  after(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  it('lists the sample off a terminal, applies a decisions file, and only then lets tune start a job under LOOPFT_REQUIRE_REVIEW', async () => {
    const required = {...env, LOOPFT_REQUIRE_REVIEW: '1'}
    const refused = await runLoopft(['tune', '--since', '7d', '--json'], required)
    assert.deepEqual([refused.status, refused.json.error.code, openai.standin.store.jobs.size], [22, 'REVIEW_REQUIRED', 0])
    assert.match(refused.json.error.message, /^dataset ds-[0-9a-f]{12} \(export runs \d+\) has no reviewed sample$/)

    const listed = await runLoopft(['review', '--sample', '5', '--json'], env)
    assert.equal(listed.status, 0, listed.stderr)
    assert.deepEqual([listed.json.dataset.population, listed.json.examples.length, listed.json.progress.pending, listed.json.progress.reviewed], [14, 5, 5, false])
    assert.deepEqual(Object.keys(listed.json.examples[0]).sort(), ['actor', 'conversationId', 'decidedAt', 'decision', 'messages', 'position', 'reason', 'sha256'])
    assert.match(listed.json.examples[0].messages[0].content, /\[PHONE\]/)

    const plain = await runLoopft(['review'], env)
    assert.equal(plain.status, 0, plain.stderr)
    assert.match(plain.stdout, new RegExp(`^dataset +${listed.json.dataset.id} `, 'm'), 'off a terminal, the same sample as text')
    assert.match(plain.stdout, /^#5 {2}[0-9a-f]{64} {2}conversation c\d+ {2}undecided$/m)

    const decisions = path.join(outDir, 'decisions.jsonl')
    await fs.writeFile(decisions, listed.json.examples.map((example: {sha256: string}) => JSON.stringify({sha256: example.sha256, decision: 'approve'})).join('\n'))
    const applied = await runLoopft(['review', '--dataset', listed.json.dataset.id, '--decisions', decisions, '--json'], env)
    assert.equal(applied.status, 0, applied.stderr)
    assert.deepEqual([applied.json.applied, applied.json.progress.reviewed, applied.json.examples[0].actor], [5, true, 'ana@review'])

    const tune = await runLoopft(['tune', '--since', '7d', '--json'], required)
    assert.equal(tune.status, 0, tune.stderr)
    assert.deepEqual([tune.json.outcome, tune.json.dataset.examples], ['created', 14])
  })

  it('fails with NOT_FOUND for a dataset never reviewed and a usage error for two datasets at once', async () => {
    const unknown = await runLoopft(['review', '--dataset', 'ds-000000000000', '--json'], env)
    assert.deepEqual([unknown.status, unknown.json.error.code], [12, 'NOT_FOUND'])
    const both = await runLoopft(['review', '--dataset', 'ds-000000000000', '--run', '1', '--json'], env)
    assert.deepEqual([both.status, both.json.error.code], [2, 'USAGE'])
  })
})
