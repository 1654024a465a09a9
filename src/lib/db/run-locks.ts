import type {Database} from './connection.js'
import {LoopftError} from '../errors.js'

const heldInProcess = new Set<string>()

/**
 * Runs `work` while holding the named run lock, or fails at once with
 * RUN_IN_PROGRESS. On a Postgres server the lock is a session advisory lock on a
 * reserved connection (released by the server if the process dies). On the
 * embedded default, advisory locks do not exclude (all socket connections share
 * one backend), so the directory lock excludes other processes and an
 * in-process set excludes concurrent calls in this one.
 */
export async function withRunLock<T>(db: Database, name: string, work: () => Promise<T>): Promise<T> {
  const [{schema}] = await db.sql<{schema: string}[]>`select current_schema() as schema`
  const key = `${schema}:${name}`
  if (heldInProcess.has(key)) throw runInProgress(name)
  heldInProcess.add(key)
  try {
    return db.kind === 'pglite' ? await work() : await withAdvisoryLock(db, key, name, work)
  } finally {
    heldInProcess.delete(key)
  }
}

async function withAdvisoryLock<T>(db: Database, key: string, name: string, work: () => Promise<T>): Promise<T> {
  const connection = await db.sql.reserve()
  try {
    const [{locked}] = await connection<{locked: boolean}[]>`select pg_try_advisory_lock(hashtext(${key})) as locked`
    if (!locked) throw runInProgress(name)
    try {
      return await work()
    } finally {
      await connection`select pg_advisory_unlock(hashtext(${key}))`.catch(() => {})
    }
  } finally {
    connection.release()
  }
}

function runInProgress(name: string): LoopftError {
  return new LoopftError('RUN_IN_PROGRESS', `another ${name} run is in progress; nothing was done`, {
    suggestion: 'wait for it to finish; the schedule runs it again next time',
  })
}
