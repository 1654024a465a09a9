import lockfile from 'proper-lockfile'
import {LoopftError} from '../errors.js'

/**
 * Holds an exclusive lock on the embedded database's directory for the life of
 * the process: PGlite lets two processes open one data directory and both
 * write, which corrupts it. The second opener fails fast instead of waiting.
 */
export async function lockDirectory(directory: string): Promise<() => Promise<void>> {
  try {
    // A stale lock (its holder crashed) is taken over once it stops being refreshed.
    return await lockfile.lock(directory, {stale: 15_000, update: 5_000, realpath: false, lockfilePath: `${directory}/loopft.lock`})
  } catch (error) {
    if ((error as {code?: string}).code === 'ELOCKED') {
      throw new LoopftError('RUN_IN_PROGRESS', `another loopft process holds the embedded database in ${directory}`, {
        suggestion: 'wait for it to finish, or set DATABASE_URL to use a Postgres server',
      })
    }
    throw new LoopftError('DB_UNAVAILABLE', `cannot lock ${directory}: ${(error as Error).message}`, {cause: error})
  }
}
