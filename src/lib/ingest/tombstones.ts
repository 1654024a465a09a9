import {createHash} from 'node:crypto'
import type {Sql} from '../db/connection.js'

/**
 * The tombstone key of a user: hex sha256 of the UTF-8 user id. The raw id is
 * never stored. An unsalted hash of a guessable id can be confirmed by whoever
 * holds the id (that is how import and export match it); it does not let
 * anyone list the forgotten ids.
 */
export function tombstoneHash(userId: string): string {
  return createHash('sha256').update(userId, 'utf8').digest('hex')
}

/** Every forgotten user's hash: load once per import or export run. */
export async function loadTombstones(sql: Sql): Promise<Set<string>> {
  return new Set((await sql<{user_hash: string}[]>`select user_hash from loopft_tombstones`).map((row) => row.user_hash))
}

/** A synchronous check for import's row filter (export takes the hashes themselves, to hand to its worker threads). */
export async function forgottenUserCheck(sql: Sql): Promise<(userId: string) => boolean> {
  const hashes = await loadTombstones(sql)
  return (userId) => hashes.size > 0 && hashes.has(tombstoneHash(userId))
}
