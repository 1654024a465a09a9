import assert from 'node:assert/strict'
import {buildMonthlyReport, type MonthlyReport} from '../../../src/lib/report/monthly-report.js'
import {useTestDatabase} from '../../support/db.js'

const OPTIONS = {month: '2026-11', defaultModel: 'gpt-4o-mini', visionModel: 'gpt-4o', monthlyBudgetUsd: 200, now: new Date('2026-12-02T08:00:00Z')}
const OLD = 'ft:gpt-4o-mini-2024-07-18:acme:loopft:old1'
const NEW = 'ft:gpt-4o-mini-2024-07-18:acme:loopft:new1'
const CANARY = 'ft:gpt-4o-mini-2024-07-18:acme:loopft:can1'

describe('monthly report: quality, data, changes and spend from the ledgers', () => {
  const t = useTestDatabase()
  let report: MonthlyReport

  before(async () => {
    const evaluation = (candidate: string, verdict: string, difference: number, accuracy: number, at: string) => t.sql`
      insert into loopft_evaluations (candidate, baseline, judge_model, gold_path, gold_sha256, items, primary_metric, min_improvement, verdict, difference, ci_low, ci_high, result, created_at)
      values (${candidate}, 'gpt-4o-mini', 'gpt-4.1', 'gold.jsonl', 'abc', 40, 'judge', 0.02, ${verdict}, ${difference}, ${difference - 0.01}, ${difference + 0.01},
        ${t.sql.json({models: {candidate: {accuracy, judgeWinRate: 0.6, bleu: 30, rougeL: 0.4}}})}, ${at})`
    await evaluation(OLD, 'pass', 0.05, 0.8, '2026-10-10T10:00:00Z')
    await evaluation(NEW, 'pass', 0.07, 0.9, '2026-11-03T10:00:00Z')
    await evaluation(CANARY, 'fail', -0.02, 0.7, '2026-11-15T10:00:00Z')
    const promotion = (action: string, from: string | null, to: string, percent: number | null, reason: string | null, actor: string, at: string) => t.sql`
      insert into loopft_promotions (action, from_model, to_model, canary_percent, reason, actor, config_version, created_at)
      values (${action}, ${from}, ${to}, ${percent}, ${reason}, ${actor}, 1, ${at})`
    await promotion('promote', null, OLD, null, 'first', 'alice@host', '2026-10-11T10:00:00Z')
    await promotion('promote', OLD, NEW, null, 'gate passed', 'bob@host', '2026-11-04T10:00:00Z')
    await promotion('canary', NEW, CANARY, 10, 'try it', 'bob@host', '2026-11-16T10:00:00Z')
    await promotion('abort-canary', CANARY, NEW, null, 'worse', 'carol@host', '2026-11-17T10:00:00Z')
    const run = (key: string, status: string, windowEnd: string, messages: number, examples: number, bytes: number, redactions: Record<string, number>) => t.sql`
      insert into loopft_export_runs (idempotency_key, status, window_start, window_end, out_dir, messages_read, examples_written, daily_bytes, redactions)
      values (${key}, ${status}, ${windowEnd}::timestamptz - interval '1 day', ${windowEnd}, '/tmp', ${messages}, ${examples}, ${bytes}, ${t.sql.json(redactions)})`
    await run('a', 'succeeded', '2026-11-02T00:00:00Z', 100, 40, 4_000, {EMAIL: 3, PHONE: 1})
    await run('b', 'succeeded', '2026-11-30T23:00:00Z', 50, 20, 2_000, {EMAIL: 2})
    await run('c', 'failed', '2026-11-10T00:00:00Z', 70, 0, 0, {EMAIL: 9})
    await run('d', 'succeeded', '2026-10-30T00:00:00Z', 500, 200, 9_000, {URL: 5})
    await t.sql`insert into loopft_quarantined_examples (export_run_id, conversation_id, example_index, finds, messages, created_at)
      select 1, 'c-' || g, 0, '[]', '[]', timestamptz '2026-11-02T00:00:00Z' + g * interval '1 day' from generate_series(1, 3) as g`
    await t.sql`insert into loopft_tombstones (user_hash, forgotten_at) values ('h1', '2026-11-05T00:00:00Z'), ('h2', '2026-10-05T00:00:00Z')`
    await t.sql`insert into loopft_archives (original_path, archive_path, sha256, bytes, archived_at) values ('a', 'a.gz', 'x', 1000, '2026-11-06T00:00:00Z'), ('b', 'b.gz', 'y', 500, '2026-11-07T00:00:00Z')`
    await t.sql`insert into loopft_models (name, base_model, status, deleted_at) values (${OLD}, 'gpt-4o-mini-2024-07-18', 'deleted', '2026-11-20T00:00:00Z'), (${NEW}, 'gpt-4o-mini-2024-07-18', 'promoted', null)`
    const job = (key: string, status: string, estimate: number, actual: number | null, at: string) => t.sql`
      insert into loopft_training_jobs (idempotency_key, provider, base_model, dataset_path, dataset_sha256, dataset_bytes, examples, tokens_per_epoch, n_epochs, suffix, hyperparameters, metadata, estimated_cost_usd, actual_cost_usd, job_id, status, created_at)
      values (${key}, 'openai', 'gpt-4o-mini-2024-07-18', 'd.jsonl', ${key}, 1, 1, 1, 1, 'loopft', '{}', '{}', ${estimate}, ${actual}, ${`ftjob-${key}`}, ${status}, ${at})`
    await job('j1', 'succeeded', 10, 12.5, '2026-11-02T00:00:00Z')
    await job('j2', 'running', 7, null, '2026-11-20T00:00:00Z')
    await job('j3', 'failed', 50, null, '2026-11-21T00:00:00Z')
    await job('j4', 'succeeded', 30, 30, '2026-10-21T00:00:00Z')
    await t.sql`insert into loopft_deployments (provider, job_id, kind, model, status, cost_per_day_usd, created_at, stopped_at)
      values ('together', 'j1', 'endpoint', ${NEW}, 'stopped', 24, '2026-11-20T00:00:00Z', '2026-11-25T12:00:00Z'),
             ('together', 'j0', 'endpoint', ${OLD}, 'ready', 48, '2026-10-31T00:00:00Z', null),
             ('nebius', 'j2', 'custom-model', ${NEW}, 'ready', null, '2026-11-20T00:00:00Z', null)`
    report = await buildMonthlyReport(t.sql, OPTIONS)
  })

  it('lists the month\'s evaluations with verdict and difference, and the promoted model\'s scores over time against 85%', () => {
    assert.deepEqual(report.quality.evaluations.value?.map((evaluation) => [evaluation.candidate, evaluation.verdict, evaluation.difference, evaluation.candidateAccuracy]), [[NEW, 'pass', 0.07, 0.9], [CANARY, 'fail', -0.02, 0.7]])
    assert.deepEqual(report.quality.promotedScores.value?.map((score) => [score.model, score.accuracy]), [[OLD, 0.8], [NEW, 0.9]])
    assert.deepEqual(report.quality.accuracy.value, {model: NEW, accuracy: 0.9, meetsTarget: true})
  })

  it('sums the month\'s succeeded exports, redactions per type, quarantine, forgotten users, archives and pruned models', () => {
    assert.deepEqual(report.data, {
      exports: {value: {runs: 2, messages: 150, examples: 60, bytes: 6_000, redactions: {EMAIL: 5, PHONE: 1}, quarantined: 3}, missing: null},
      forgottenUsers: 1, archived: {files: 2, bytes: 1_500}, prunedModels: 1,
    })
  })

  it('lists promotions, canaries and rollbacks of the month with who and why', () => {
    assert.deepEqual(report.changes.map((change) => [change.action, change.toModel, change.canaryPercent, change.actor, change.reason]), [
      ['promote', NEW, null, 'bob@host', 'gate passed'], ['canary', CANARY, 10, 'bob@host', 'try it'], ['abort-canary', NEW, null, 'carol@host', 'worse'],
    ])
  })

  it('counts training spend per job as the budget does, time-billed deployments for the days they ran this month, and the budget\'s use', () => {
    assert.deepEqual(report.cost.training.value?.jobs.map((job) => [job.jobId, job.usd, job.isActual]), [['ftjob-j1', 12.5, true], ['ftjob-j2', 7, false]])
    assert.deepEqual(report.cost.deployments.value?.map((deployment) => [deployment.model, deployment.billedDays, deployment.usd]), [[OLD, 30, 1440], [NEW, 5.5, 132]])
    assert.deepEqual(report.cost.budget.value, {monthlyBudgetUsd: 200, spentUsd: 19.5, share: 19.5 / 200})
  })
})
