import {randomBytes} from 'node:crypto'
import postgres from 'postgres'
import {openDatabase, type Database, type Sql} from '../../src/lib/db/connection.js'
import {migrate} from '../../src/lib/db/migrate.js'

export const TEST_DATABASE_URL = process.env.LOOPFT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestDatabase {
  db: Database
  sql: Sql
  schema: string
  /** A DATABASE_URL-style target plus the search_path, for subprocesses (see commandEnv). */
  url: string
}

/** Creates a fresh, migrated schema on the real Postgres; drop it with the returned handle. */
export async function createTestDatabase(): Promise<TestDatabase & {drop(): Promise<void>}> {
  const schema = `t_${randomBytes(6).toString('hex')}`
  const admin = postgres(TEST_DATABASE_URL, {max: 1, onnotice: () => {}})
  await admin.unsafe(`create schema ${schema}`)
  await admin.end()
  const db = await openDatabase({databaseUrl: TEST_DATABASE_URL, home: '/nonexistent', searchPath: schema})
  await migrate(db.sql)
  const url = `${TEST_DATABASE_URL}?search_path=${schema}`
  const drop = async () => {
    await db.close()
    const cleanup = postgres(TEST_DATABASE_URL, {max: 1, onnotice: () => {}})
    await cleanup.unsafe(`drop schema if exists ${schema} cascade`)
    await cleanup.end()
  }
  return {db, sql: db.sql, schema, url, drop}
}

/**
 * Mocha hooks: a fresh migrated schema for the enclosing describe(), dropped after.
 * Access the handle inside tests (it is filled in by the before hook).
 */
export function useTestDatabase(): TestDatabase {
  const handle = {} as TestDatabase & {drop?: () => Promise<void>}
  before(async function () {
    this.timeout(30_000)
    Object.assign(handle, await createTestDatabase())
  })
  after(async () => {
    await handle.drop?.()
  })
  return handle
}
