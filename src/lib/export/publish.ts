import fs from 'node:fs/promises'
import path from 'node:path'
import type {Database, Sql} from '../db/connection.js'
import {isLoopftError} from '../errors.js'
import {withRunLock} from '../db/run-locks.js'
import {fileSize, isTemporaryName} from '../files.js'
import {clearPendingFiles, deleteExamples, findPendingFiles, forgottenExamplesOfRun, markInterruptedRuns, type PendingFile} from './ledger.js'
import {removeLinesFromFile} from './line-filter.js'

/**
 * Renames a committed run's files into place. The run row lists them (as
 * pending) in the same transaction that records the run, so a crash between
 * commit and rename is rolled forward by the next run, never lost or doubled.
 */
export async function publishFiles(sql: Sql, runId: number, files: PendingFile[]): Promise<void> {
  for (const file of files) await renameIfPresent(file)
  await clearPendingFiles(sql, runId)
}

/**
 * Finishes publishing for runs that crashed after commit, marks runs whose
 * process died as interrupted, then removes temporaries that no run will
 * publish. The caller holds the export lock.
 */
export async function recoverInterruptedRuns(sql: Sql, outDir: string): Promise<void> {
  await publishPendingRuns(sql)
  await markInterruptedRuns(sql)
  const names = await fs.readdir(outDir)
  await Promise.all(names.filter(isTemporaryName).map((name) => fs.rm(path.join(outDir, name), {force: true})))
}

/**
 * Publishes what crashed exports left committed but not renamed, for commands
 * that read or rewrite export files (forget, tune): they must see the files as
 * the ledger describes them. A running export publishes its own: then nothing is done here.
 */
export async function completePendingPublishes(db: Database): Promise<void> {
  try {
    await withRunLock(db, 'export', () => publishPendingRuns(db.sql))
  } catch (error) {
    if (!isLoopftError(error, 'RUN_IN_PROGRESS')) throw error
  }
}

/**
 * Publishes every pending run (the caller holds the export lock) as it was
 * committed, except for the lines of users forgotten since it started: the
 * tombstones are checked again here, so nothing forget removed is ever published.
 */
export async function publishPendingRuns(sql: Sql): Promise<void> {
  for (const run of await findPendingFiles(sql)) {
    const forgotten = await forgottenExamplesOfRun(sql, run.id)
    if (forgotten.size > 0) {
      for (const file of run.files) {
        const location = await currentLocation(file)
        if (location !== undefined) await removeLinesFromFile(location, forgotten)
      }
      await deleteExamples(sql, forgotten)
    }
    await publishFiles(sql, run.id, run.files)
  }
}

/** The temporary name until the rename, the final one after it. */
async function currentLocation(file: PendingFile): Promise<string | undefined> {
  for (const candidate of [file.temp, file.final]) if ((await fileSize(candidate)) !== undefined) return candidate
  return undefined
}

async function renameIfPresent(file: PendingFile): Promise<void> {
  try {
    await fs.rename(file.temp, file.final)
  } catch (error) {
    // Already renamed by an earlier attempt.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}
