import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {gunzipSync} from 'node:zlib'
import {toFile} from 'openai'
import {archiveFile} from '../../../src/lib/operations/export-archive.js'
import {exportConversations} from '../../../src/lib/export/index.js'
import {forgetFailure, forgetUser, type ForgetDeps} from '../../../src/lib/operations/forget.js'
import {createRedactor} from '../../../src/lib/redact/index.js'
import {loadTombstones, tombstoneHash} from '../../../src/lib/ingest/tombstones.js'
import {createOpenAIProvider} from '../../../src/lib/training/openai-provider.js'
import {useTestDatabase} from '../../support/db.js'
import {useOpenAIStandin} from '../../support/openai.js'

const MODEL = 'ft:gpt-4o-mini-2024-07-18:standin-org:weekly:abc123'

describe('forget', () => {
  const database = useTestDatabase()
  const openai = useOpenAIStandin()
  let outDir: string
  let deps: ForgetDeps
  let uploaded: string
  let datasetPath: string

  async function message(conversation: string, user: string | null, role: string, content: string, at: string): Promise<void> {
    await database.sql`insert into conversation_messages (conversation_id, user_id, role, content, created_at) values (${conversation}, ${user}, ${role}, ${content}, ${at})`
  }

  const runExport = (since: string, until: string, forgottenUsers?: ReadonlySet<string>) =>
    exportConversations(database.db, {since, until, outDir, maxBytes: 50_000_000, maxExampleTokens: 65_536, redactor: createRedactor(), forgottenUsers})

  async function allExportText(): Promise<string> {
    const texts: string[] = []
    for (const directory of [outDir, path.join(outDir, 'archive')]) {
      for (const name of await fs.readdir(directory).catch(() => [] as string[])) {
        const file = path.join(directory, name)
        if ((await fs.stat(file)).isFile()) texts.push(name.endsWith('.gz') ? gunzipSync(await fs.readFile(file)).toString('utf8') : await fs.readFile(file, 'utf8'))
      }
    }
    return texts.join('')
  }

  beforeEach(async () => {
    outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-forget-'))
    const client = openai.client({maxRetries: 0})
    deps = {db: database.db, api: createOpenAIProvider(client)}
    const {sql} = database
    await sql`truncate conversation_messages, loopft_examples, loopft_export_runs, loopft_training_jobs, loopft_models, loopft_tombstones, loopft_archives, loopft_deleted_files`
    await message('a1', 'alice', 'user', 'Zebrafinch tour dates for my band please', '2026-11-20T10:00:00Z')
    await message('a1', null, 'assistant', 'Zebrafinch plays Leeds on the 4th', '2026-11-20T10:00:05Z')
    await message('b1', 'bob', 'user', 'What BPM suits a garage track?', '2026-11-20T11:00:00Z')
    await message('b1', null, 'assistant', 'Around 130 BPM', '2026-11-20T11:00:05Z')
    await message('a2', 'alice', 'user', 'Draft a pitch for Zebrafinch to radio', '2026-11-21T09:00:00Z')
    await message('a2', 'alice', 'assistant', 'Here is a Zebrafinch pitch', '2026-11-21T09:00:05Z')
    await message('b2', 'bob', 'user', 'Chart position of the new single?', '2026-11-21T12:00:00Z')
    await message('b2', 'bob', 'assistant', 'Number 12 this week', '2026-11-21T12:00:05Z')
    const first = await runExport('2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z')
    await runExport('2026-11-21T00:00:00Z', '2026-11-22T00:00:00Z')
    // tune's dataset of the first run, uploaded and trained into MODEL; then the first daily file archived.
    datasetPath = path.join(outDir, 'dataset-run1.jsonl')
    await fs.copyFile(first.dailyFile as string, datasetPath)
    uploaded = (await client.files.create({file: await toFile(await fs.readFile(datasetPath), 'dataset-run1.jsonl'), purpose: 'fine-tune'})).id
    await sql`
      insert into loopft_training_jobs (idempotency_key, provider, base_model, dataset_path, dataset_sha256, dataset_bytes, examples, tokens_per_epoch, n_epochs,
        suffix, hyperparameters, metadata, estimated_cost_usd, training_file_id, job_id, status, fine_tuned_model, export_run_ids)
      values ('tune:1', 'openai', 'gpt-4o-mini-2024-07-18', ${datasetPath}, 'x', 1, 2, 10, 1, 'weekly', '{}', '{}', 0.01, ${uploaded}, 'ftjob-1', 'succeeded', ${MODEL}, ${[first.id]})`
    await sql`insert into loopft_models (name, base_model, job_id) values (${MODEL}, 'gpt-4o-mini-2024-07-18', 'ftjob-1')`
    const dailyBytes = (await fs.stat(first.dailyFile as string)).size
    await archiveFile(sql, {path: first.dailyFile as string, archivePath: path.join(outDir, 'archive', `${path.basename(first.dailyFile as string)}.gz`), bytes: dailyBytes})
  })
  afterEach(async () => {
    await fs.rm(outDir, {recursive: true, force: true})
  })

  it('--dry-run reports what would go and changes nothing', async () => {
    const before = await allExportText()
    const receipt = await forgetUser(deps, 'alice', {dryRun: true})
    assert.deepEqual([receipt.messagesDeleted, receipt.examplesDeleted, receipt.apiFilesDeleted, receipt.models.map((model) => model.name)], [4, 2, [uploaded], [MODEL]])
    assert.deepEqual(receipt.files.map((scan) => [path.basename(scan.file), scan.archived, scan.linesRemoved]).sort(), [
      ['dataset-run1.jsonl', false, 1], ['fine_tune_2026-11-21.jsonl', true, 1], ['fine_tune_2026-11-22.jsonl', false, 1], ['master.jsonl', false, 2],
    ])
    assert.equal(await allExportText(), before)
    assert.equal((await loadTombstones(database.sql)).size, 0)
    assert.ok(openai.standin.store.files.has(uploaded))
  })

  it('removes every trace from the database and the files, deletes the upload, lists the model and leaves a tombstone', async () => {
    const receipt = await forgetUser(deps, 'alice', {dryRun: false})
    assert.deepEqual([receipt.messagesDeleted, receipt.examplesDeleted, receipt.apiFilesDeleted, receipt.failures], [4, 2, [uploaded], []])
    assert.deepEqual(receipt.models, [{name: MODEL, status: 'candidate', jobId: 'ftjob-1'}])
    const text = await allExportText()
    assert.deepEqual([text.includes('Zebrafinch'), text.includes('garage track'), text.includes('Chart position')], [false, true, true])
    const {sql} = database
    const [counts] = await sql<{messages: string; alice: string; examples: string}[]>`
      select (select count(*) from conversation_messages) as messages,
        (select count(*) from conversation_messages where user_id = 'alice' or conversation_id like 'a%') as alice,
        (select count(*) from loopft_examples where 'alice' = any(user_ids)) as examples`
    assert.deepEqual(counts, {messages: '4', alice: '0', examples: '0'})
    const [archive] = await sql<{archive_path: string; sha256: string}[]>`select archive_path, sha256 from loopft_archives`
    assert.equal(createHash('sha256').update(gunzipSync(await fs.readFile(archive.archive_path))).digest('hex'), archive.sha256)
    assert.equal(openai.standin.store.files.has(uploaded), false)
    const tombstones = await sql`select * from loopft_tombstones`
    assert.deepEqual([tombstones.length, tombstones[0].user_hash, JSON.stringify(tombstones).includes('alice')], [1, tombstoneHash('alice'), false])
    assert.deepEqual(receipt.userHash, tombstoneHash('alice'))
  })

  it('keeps a forgotten user out of a later export', async () => {
    await forgetUser(deps, 'alice', {dryRun: false})
    await message('a3', 'alice', 'user', 'Zebrafinch again, a late import', '2026-11-22T09:00:00Z')
    await message('a3', 'alice', 'assistant', 'Zebrafinch noted', '2026-11-22T09:00:05Z')
    const forgottenUsers = await loadTombstones(database.sql)
    const result = await runExport('2026-11-22T00:00:00Z', '2026-11-23T00:00:00Z', forgottenUsers)
    assert.deepEqual([result.examplesWritten, (await allExportText()).includes('Zebrafinch'), forgottenUsers.has(tombstoneHash('bob'))], [0, false, false])
  })

  it('reports a failed upload deletion as PARTIAL, keeps the lineage, and finishes when run again', async () => {
    openai.standin.injectFault({method: 'DELETE', path: /\/files\//, status: 500, times: 1})
    const first = await forgetUser(deps, 'alice', {dryRun: false})
    assert.deepEqual([first.failures.map((failure) => [failure.item, failure.code]), first.messagesDeleted, first.examplesDeleted], [[[uploaded, 'API_ERROR']], 4, 0])
    assert.equal(forgetFailure(first)?.exitCode, 16)
    assert.equal((await allExportText()).includes('Zebrafinch'), false)
    const second = await forgetUser(deps, 'alice', {dryRun: false})
    assert.deepEqual([second.alreadyForgotten, second.apiFilesDeleted, second.examplesDeleted, second.failures], [true, [uploaded], 2, []])
    const [row] = await database.sql<{receipt: {runs: unknown[]}}[]>`select receipt from loopft_tombstones`
    assert.equal(row.receipt.runs.length, 2)
  })
})
