import type {Database} from '../db/connection.js'
import {isLoopftError} from '../errors.js'
import {withRunLock} from '../db/run-locks.js'
import {removeFromExportFiles, type FileScan} from '../operations/forget-files.js'

export interface PurgeReport {
  /** Rejected examples whose lines were looked for in every export file. */
  examples: number
  /** Files that lost lines. */
  files: FileScan[]
  /** An export, tune or forget held the files: the lines go at the next review (export and tune leave them out meanwhile). */
  deferred: boolean
}

/**
 * Removes the lines of rejected examples from every daily, master, archived and
 * training dataset file, the way forget removes a user's, under the export and
 * tune locks; each rejection is marked done once its files are rewritten.
 */
export async function purgeRejected(db: Database): Promise<PurgeReport> {
  try {
    return await withRunLock(db, 'export', () => withRunLock(db, 'tune', async () => {
      const rows = await db.sql<{sha256: string}[]>`select sha256 from loopft_review_decisions where decision = 'reject' and purged_at is null`
      const hashes = rows.map((row) => row.sha256)
      const files = await removeFromExportFiles(db.sql, new Set(hashes), false)
      if (hashes.length > 0) await db.sql`update loopft_review_decisions set purged_at = now() where sha256 = any(${hashes}::text[])`
      return {examples: hashes.length, files: files.filter((scan) => scan.linesRemoved > 0), deferred: false}
    }))
  } catch (error) {
    if (isLoopftError(error, 'RUN_IN_PROGRESS')) return {examples: 0, files: [], deferred: true}
    throw error
  }
}
