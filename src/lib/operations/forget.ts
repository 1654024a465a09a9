import type {Database, Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {toLoopftError} from '../error-translation.js'
import {removeFromExportFiles, type FileScan} from './forget-files.js'
import {withRunLock} from '../db/run-locks.js'
import {deleteApiFile, type ApiCleaner} from './provider-cleanup.js'
import {tombstoneHash} from '../ingest/tombstones.js'
import {publishPendingRuns} from '../export/publish.js'

export interface ForgetDeps {
  db: Database
  /** Needed only when uploaded training files contained the user's examples. */
  api?: Pick<ApiCleaner, 'deleteFile'>
}

export interface AffectedModel {
  name: string
  status: string
  jobId: string
}

/** What forget removes (or, with dryRun, would remove). Never holds the raw user id. */
export interface ForgetReceipt {
  dryRun: boolean
  userHash: string
  /** A tombstone existed before this run. */
  alreadyForgotten: boolean
  forgottenAt: string | null
  messagesDeleted: number
  examplesDeleted: number
  /** Their examples that export quarantined for review (loopft quarantine). */
  quarantinedDeleted: number
  files: FileScan[]
  apiFilesDeleted: string[]
  /** Fine-tuned models whose training data included the user: retire or retrain them. */
  models: AffectedModel[]
  failures: Array<{item: string; code: string; message: string}>
}

/**
 * Erases one user along the whole lineage, under the export and tune locks:
 * 1. records the tombstone first, so no import or export brings them back even if a later step fails;
 * 2. removes their examples from every daily, master, archived and training dataset file;
 * 3. deletes uploaded training files that contained them on the provider;
 * 4. deletes their messages (and the unattributed messages of their conversations), the
 *    examples export quarantined for them and, once nothing failed, their lineage rows. With
 *    failures the lineage stays, so running forget again finishes the job.
 */
export async function forgetUser(deps: ForgetDeps, userId: string, options: {dryRun: boolean}): Promise<ForgetReceipt> {
  if (userId.trim() === '') throw new LoopftError('USAGE', 'the user id is empty')
  const {sql} = deps.db
  const userHash = tombstoneHash(userId)
  // No export appends and no tune collects a dataset while files are rewritten.
  return withRunLock(deps.db, 'export', () => withRunLock(deps.db, 'tune', async () => {
    // A crashed export's committed files go into place first, so the scan below finds the user's lines in them.
    if (!options.dryRun) await publishPendingRuns(sql)
    const [existing] = await sql<{forgotten_at: Date}[]>`select forgotten_at from loopft_tombstones where user_hash = ${userHash}`
    if (!options.dryRun) await sql`insert into loopft_tombstones (user_hash) values (${userHash}) on conflict do nothing`
    // @>, not = any(): only containment can use the GIN index on user_ids.
    const examples = await sql<{sha256: string; export_run_id: string}[]>`select sha256, export_run_id from loopft_examples where user_ids @> array[${userId}]::text[]`
    const hashes = new Set(examples.map((row) => row.sha256))
    const files = await removeFromExportFiles(sql, hashes, options.dryRun)
    const touched = new Set(files.filter((scan) => scan.linesRemoved > 0).map((scan) => scan.file))
    const jobs = await affectedJobs(sql, [...new Set(examples.map((row) => Number(row.export_run_id)))], [...touched])
    const receipt: ForgetReceipt = {
      dryRun: options.dryRun,
      userHash,
      alreadyForgotten: existing !== undefined,
      forgottenAt: null,
      messagesDeleted: 0,
      examplesDeleted: 0,
      quarantinedDeleted: 0,
      files: files.filter((scan) => scan.linesRemoved > 0),
      apiFilesDeleted: [],
      models: jobs.models,
      failures: [],
    }
    if (options.dryRun) {
      receipt.messagesDeleted = (await messagesOf(sql, userId)).count
      receipt.examplesDeleted = examples.length
      const [{count}] = await sql<{count: number}[]>`select count(*)::int as count from loopft_quarantined_examples where user_ids @> array[${userId}]::text[]`
      receipt.quarantinedDeleted = count
      receipt.apiFilesDeleted = jobs.files
      return receipt
    }
    for (const fileId of jobs.files) {
      try {
        if (deps.api === undefined) throw new LoopftError('CONFIG_INVALID', 'deleting uploaded files needs the provider API', {suggestion: 'set OPENAI_API_KEY and run forget again'})
        await deleteApiFile(deps.db, deps.api, fileId, 'forget')
        receipt.apiFilesDeleted.push(fileId)
      } catch (error) {
        const translated = toLoopftError(error)
        receipt.failures.push({item: fileId, code: translated.code, message: translated.message})
      }
    }
    await sql.begin(async (tx) => {
      receipt.messagesDeleted = (await tx`
        delete from conversation_messages where user_id = ${userId}
          or (user_id is null and conversation_id in (select conversation_id from conversation_messages where user_id = ${userId}))`).count
      receipt.quarantinedDeleted = (await tx`delete from loopft_quarantined_examples where user_ids @> array[${userId}]::text[]`).count
      if (receipt.failures.length === 0) receipt.examplesDeleted = (await tx`delete from loopft_examples where sha256 = any(${[...hashes]})`).count
      const [row] = await tx<{forgotten_at: Date}[]>`
        update loopft_tombstones set receipt = jsonb_set(receipt, '{runs}', coalesce(receipt->'runs', '[]'::jsonb) || ${tx.json([summary(receipt)] as never)})
        where user_hash = ${userHash} returning forgotten_at`
      receipt.forgottenAt = row.forgotten_at.toISOString()
    })
    return receipt
  }))
}

/** The failure for a receipt with failures: PARTIAL, carrying the receipt. */
export function forgetFailure(receipt: ForgetReceipt): LoopftError | undefined {
  if (receipt.failures.length === 0) return undefined
  return new LoopftError('PARTIAL', `forget removed the user's data, but ${receipt.failures.length} uploaded file(s) could not be deleted`, {
    suggestion: 'run the same forget again to retry; the tombstone already blocks import and export',
    result: receipt,
  })
}

/** Training jobs fed by the user's export runs or by a file that held their examples: their uploads and models. */
async function affectedJobs(sql: Sql, runIds: number[], files: string[]): Promise<{files: string[]; models: AffectedModel[]}> {
  const jobs = await sql<{job_id: string | null; training_file_id: string | null; validation_file_id: string | null; fine_tuned_model: string | null; status: string | null}[]>`
    select j.job_id, j.training_file_id, j.validation_file_id, j.fine_tuned_model, m.status
    from loopft_training_jobs j left join loopft_models m on m.name = j.fine_tuned_model
    where j.export_run_ids && ${runIds}::bigint[] or j.dataset_path = any(${files})
    order by j.id`
  const deleted = new Set((await sql<{file_id: string}[]>`select file_id from loopft_deleted_files`).map((row) => row.file_id))
  const uploads = jobs.flatMap((job) => [job.training_file_id, job.validation_file_id]).filter((id): id is string => id !== null && !deleted.has(id))
  const models = jobs.filter((job) => job.fine_tuned_model !== null).map((job) => ({name: job.fine_tuned_model as string, status: job.status ?? 'unregistered', jobId: job.job_id as string}))
  return {files: [...new Set(uploads)], models}
}

async function messagesOf(sql: Sql, userId: string): Promise<{count: number}> {
  const [row] = await sql<{count: string}[]>`
    select count(*) as count from conversation_messages where user_id = ${userId}
      or (user_id is null and conversation_id in (select conversation_id from conversation_messages where user_id = ${userId}))`
  return {count: Number(row.count)}
}

/** One entry of the tombstone's receipt.runs: counts and names only, no user data. */
function summary(receipt: ForgetReceipt): Record<string, unknown> {
  return {
    at: new Date().toISOString(),
    messagesDeleted: receipt.messagesDeleted,
    examplesDeleted: receipt.examplesDeleted,
    quarantinedDeleted: receipt.quarantinedDeleted,
    files: receipt.files.map((scan) => ({file: scan.file, linesRemoved: scan.linesRemoved})),
    apiFilesDeleted: receipt.apiFilesDeleted,
    models: receipt.models.map((model) => model.name),
    failures: receipt.failures.length,
  }
}
