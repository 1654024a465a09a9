import fs from 'node:fs/promises'
import path from 'node:path'
import type {Sql} from '../db/connection.js'
import {isTemporaryName} from '../files.js'
import {clearPendingFiles, findPendingFiles, type PendingFile} from './ledger.js'

/**
 * Renames a committed run's files into place. The run row lists them (as
 * pending) in the same transaction that records the run, so a crash between
 * commit and rename is rolled forward by the next run, never lost or doubled.
 */
export async function publishFiles(sql: Sql, runId: number, files: PendingFile[]): Promise<void> {
  for (const file of files) await renameIfPresent(file)
  await clearPendingFiles(sql, runId)
}

/** Finishes publishing for runs that crashed after commit, then removes temporaries that no run will publish. */
export async function recoverInterruptedRuns(sql: Sql, outDir: string): Promise<void> {
  for (const run of await findPendingFiles(sql)) await publishFiles(sql, run.id, run.files)
  const names = await fs.readdir(outDir)
  await Promise.all(names.filter(isTemporaryName).map((name) => fs.rm(path.join(outDir, name), {force: true})))
}

async function renameIfPresent(file: PendingFile): Promise<void> {
  try {
    await fs.rename(file.temp, file.final)
  } catch (error) {
    // Already renamed by an earlier attempt.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}
