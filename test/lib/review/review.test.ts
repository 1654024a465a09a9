import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {exportConversations} from '../../../src/lib/export/index.js'
import {lineHash} from '../../../src/lib/export/line-filter.js'
import {createRedactor} from '../../../src/lib/redact/index.js'
import {applyReviewDecisions, decideExample, finishReview, openReview, type ReviewDeps} from '../../../src/lib/review/review.js'
import {assertReviewed} from '../../../src/lib/review/gate.js'
import {datasetIdOf, drawSample} from '../../../src/lib/review/sample.js'
import {collectExportedDataset} from '../../../src/lib/training/dataset.js'
import {useTestDatabase} from '../../support/db.js'

const DAY1 = {since: '2026-11-20T00:00:00Z', until: '2026-11-21T00:00:00Z'}
const DAY2 = {since: '2026-11-21T00:00:00Z', until: '2026-11-22T00:00:00Z'}

describe('review', () => {
  const t = useTestDatabase()
  let outDir: string
  let deps: ReviewDeps

  const runExport = (window: {since: string; until: string}) =>
    exportConversations(t.db, {...window, outDir, maxBytes: 50_000_000, maxExampleTokens: 65_536, redactor: createRedactor()})

  /** Every line of every file under the export directory (daily, master, datasets). */
  async function allLines(): Promise<string[]> {
    const lines: string[] = []
    for (const entry of await fs.readdir(outDir, {recursive: true, withFileTypes: true})) {
      if (entry.isFile()) lines.push(...(await fs.readFile(path.join(entry.parentPath, entry.name), 'utf8')).split('\n').filter((line) => line !== ''))
    }
    return lines
  }

  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-review-'))
    deps = {db: t.db, actor: 'reviewer@test'}
    await t.sql`truncate conversation_messages, loopft_examples, loopft_export_runs, loopft_review_datasets, loopft_review_decisions, loopft_training_jobs`
    const rows = [DAY1, DAY2].flatMap((window, day) => Array.from({length: 12}, (_, n) => {
      const at = new Date(Date.parse(window.since) + (n + 1) * 60_000)
      return [
        {conversation_id: `d${day}c${n}`, user_id: `u${n}`, role: 'user', content: `Day ${day}: which tempo suits genre ${n}? mail me at fan${n}@example.org`, created_at: at},
        {conversation_id: `d${day}c${n}`, user_id: null, role: 'assistant', content: `Genre ${n} sits around ${100 + n} BPM.`, created_at: new Date(at.getTime() + 1000)},
      ]
    })).flat()
    await t.sql`insert into conversation_messages ${t.sql(rows as never, 'conversation_id', 'user_id', 'role', 'content', 'created_at')}`
  })
  afterEach(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  it('draws a deterministic sample, seeded by the dataset id, and resumes the same one', async () => {
    const hashes = Array.from({length: 100}, (_, n) => lineHash(`line ${n}`))
    const sample = drawSample('ds-a', hashes, 10)
    assert.deepEqual([sample.length, new Set(sample).size, drawSample('ds-a', [...hashes].reverse(), 10)], [10, 10, sample], 'the order of the lines does not matter')
    assert.notDeepEqual(drawSample('ds-b', hashes, 10), sample, 'another dataset draws another sample')

    const run = await runExport(DAY1)
    const first = await openReview(deps, {selector: {runId: run.id}, sampleSize: 5})
    assert.deepEqual([first.dataset.id, first.dataset.population, first.examples.length, first.progress.pending], [datasetIdOf([run.id]), 12, 5, 5])
    assert.match(first.examples[0].messages?.[0].content ?? '', /\[EMAIL\]/, 'the example is shown as exported, redacted')
    const again = await openReview(deps, {selector: {datasetId: first.dataset.id}, sampleSize: 50})
    assert.deepEqual(again.examples.map((example) => example.sha256), first.examples.map((example) => example.sha256), 'a resumed review sees the same sample')
  })

  it('records who decided and when; a rejected example leaves every file and never comes back', async () => {
    const run = await runExport(DAY1)
    const review = await openReview(deps, {selector: {runId: run.id}, sampleSize: 4})
    const [rejected, approved] = review.examples
    await decideExample(deps, review.dataset.id, {sha256: rejected.sha256, decision: 'reject', reason: 'teaches a wrong tempo'})
    await decideExample(deps, review.dataset.id, {sha256: approved.sha256, decision: 'approve'})
    await decideExample(deps, review.dataset.id, {sha256: rejected.sha256, decision: 'approve'})
    const finished = await finishReview(deps, review.dataset.id)

    const [decision] = await t.sql`select decision, reason, actor, decided_at, purged_at from loopft_review_decisions where sha256 = ${rejected.sha256}`
    assert.deepEqual([decision.decision, decision.reason, decision.actor, decision.decided_at instanceof Date, decision.purged_at instanceof Date],
      ['reject', 'teaches a wrong tempo', 'reviewer@test', true, true], 'a rejection is final, with who and when')
    assert.deepEqual([finished.progress.approved, finished.progress.rejected, finished.progress.pending, finished.purge.files.length], [1, 1, 2, 2], 'the daily file and the master lost the line')
    const isRejected = (line: string) => lineHash(line) === rejected.sha256
    assert.equal((await allLines()).filter(isRejected).length, 0)
    assert.equal((await allLines()).filter((line) => lineHash(line) === approved.sha256).length, 2, 'an approved example stays in the daily file and the master')

    await runExport(DAY1)
    await runExport({since: DAY1.since, until: DAY2.until})
    assert.equal((await allLines()).filter(isRejected).length, 0, 'a later export of the same conversation writes it nowhere')
    const [{skipped}] = await t.sql`select skipped from loopft_export_runs where window_start = ${DAY1.since} and window_end = ${DAY2.until}`
    assert.equal(skipped.rejected_in_review, 1)
    const dataset = await collectExportedDataset(t.sql, {since: new Date(DAY1.since), until: new Date(DAY2.until)})
    assert.equal(dataset.content.toString('utf8').split('\n').filter(isRejected).length, 0, 'tune never collects it')
  })

  it('tune collects no rejected line even before the files are rewritten', async () => {
    const run = await runExport(DAY1)
    const review = await openReview(deps, {selector: {runId: run.id}, sampleSize: 3})
    await decideExample(deps, review.dataset.id, {sha256: review.examples[0].sha256, decision: 'reject', reason: 'off topic'})
    const dataset = await collectExportedDataset(t.sql, {since: new Date(DAY1.since), until: new Date(DAY1.until)})
    assert.deepEqual([dataset.rejected, dataset.content.toString('utf8').split('\n').some((line) => lineHash(line) === review.examples[0].sha256)], [1, false])
    assert.equal((await allLines()).filter((line) => lineHash(line) === review.examples[0].sha256).length, 2, 'still in the files until the session ends')
  })

  it('applies a decisions file all or nothing', async () => {
    const run = await runExport(DAY1)
    const review = await openReview(deps, {selector: {runId: run.id}, sampleSize: 3})
    const [a, b, c] = review.examples.map((example) => example.sha256)
    const bad = path.join(outDir, 'bad.jsonl')
    await fs.writeFile(bad, `${JSON.stringify({sha256: a, decision: 'approve'})}\n${JSON.stringify({sha256: b, decision: 'reject'})}\n${JSON.stringify({sha256: 'f'.repeat(64), decision: 'approve'})}\n`)
    await assert.rejects(applyReviewDecisions(deps, {selector: {runId: run.id}, sampleSize: 3, file: bad}), (error: {code: string; details: {problems: string[]}}) => {
      assert.deepEqual([error.code, error.details.problems], ['INPUT_INVALID', ['line 2: a rejection needs a reason', 'line 3: sha256 is not an example of the sample']])
      return true
    })
    assert.equal((await t.sql`select count(*)::int as count from loopft_review_decisions`)[0].count, 0, 'nothing was applied')

    const good = path.join(outDir, 'good.json')
    await fs.writeFile(good, JSON.stringify([{sha256: a, decision: 'approve'}, {sha256: b, decision: 'approve'}, {sha256: c, decision: 'reject', reason: 'a real address survived'}]))
    const applied = await applyReviewDecisions(deps, {selector: {datasetId: review.dataset.id}, sampleSize: 3, file: good})
    assert.deepEqual([applied.applied, applied.progress.reviewed, applied.progress.rejectionRate, applied.examples[2].messages], [3, true, 1 / 3, null])
  })

  it('refuses a job on a dataset not reviewed, reviewed in part, or rejected above the threshold', async () => {
    const run = await runExport(DAY1)
    const requirement = {required: true, maxRejectionRate: 0.3}
    const refusal = (pattern: RegExp) => (error: {code: string; exitCode: number; message: string}) => error.code === 'REVIEW_REQUIRED' && error.exitCode === 22 && pattern.test(error.message)
    await assertReviewed(t.sql, [run.id], {required: false, maxRejectionRate: 0})
    await assert.rejects(assertReviewed(t.sql, [run.id], requirement), refusal(/has no reviewed sample/))
    await assert.rejects(assertReviewed(t.sql, [], requirement), refusal(/a dataset file cannot be reviewed/))

    const review = await openReview(deps, {selector: {runId: run.id}, sampleSize: 4})
    const decide = (index: number, decision: 'approve' | 'reject') => decideExample(deps, review.dataset.id, {sha256: review.examples[index].sha256, decision, reason: 'bad'})
    await decide(0, 'reject')
    await decide(1, 'approve')
    await assert.rejects(assertReviewed(t.sql, [run.id], requirement), refusal(/not reviewed: 2 of 4 sampled examples have no decision/))
    await decide(2, 'approve')
    await decide(3, 'approve')
    await assertReviewed(t.sql, [run.id], requirement)
    await assert.rejects(assertReviewed(t.sql, [run.id], {required: true, maxRejectionRate: 0.2}), refusal(/1 of 4 reviewed examples rejected \(25\.0%\), above the 20\.0% allowed/))
  })
})
