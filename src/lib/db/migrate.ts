import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Sql} from './connection.js'
import {LoopftError} from '../errors.js'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url))

export interface Migration {
  name: string
  checksum: string
  text: string
}

export interface MigrateResult {
  applied: string[]
  alreadyApplied: number
}

const MIGRATION_LOCK_KEY = 0x6c6f6f70 // "loop"

export async function readMigrations(directory = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await fs.readdir(directory)).filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name)).sort()
  return Promise.all(names.map(async (name) => {
    const text = await fs.readFile(path.join(directory, name), 'utf8')
    return {name, text, checksum: createHash('sha256').update(text).digest('hex')}
  }))
}

/**
 * Applies pending migrations in order, each in its own transaction under an
 * advisory lock, and records them. Quick when up to date: one query.
 * An applied file whose text changed is refused: migrations are forward-only.
 */
export async function migrate(sql: Sql, directory = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await readMigrations(directory)
  await sql`create table if not exists loopft_migrations (name text primary key, checksum text not null, applied_at timestamptz not null default now())`
  const applied = new Map((await sql<{name: string; checksum: string}[]>`select name, checksum from loopft_migrations`).map((row) => [row.name, row.checksum]))
  assertUnchanged(migrations, applied)
  const pending = migrations.filter((migration) => !applied.has(migration.name))
  const newlyApplied: string[] = []
  for (const migration of pending) {
    const didApply = await applyOne(sql, migration)
    if (didApply) newlyApplied.push(migration.name)
  }
  return {applied: newlyApplied, alreadyApplied: migrations.length - pending.length}
}

async function applyOne(sql: Sql, migration: Migration): Promise<boolean> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`
    // Another process may have applied it while we waited for the lock.
    const [done] = await tx`select 1 from loopft_migrations where name = ${migration.name}`
    if (done !== undefined) return false
    await tx.unsafe(migration.text)
    await tx`insert into loopft_migrations (name, checksum) values (${migration.name}, ${migration.checksum})`
    return true
  }) as Promise<boolean>
}

function assertUnchanged(migrations: Migration[], applied: Map<string, string>): void {
  for (const migration of migrations) {
    const checksum = applied.get(migration.name)
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new LoopftError('CONFIG_INVALID', `migration ${migration.name} was edited after it was applied`, {
        suggestion: 'migrations are forward-only: restore the file and add a new numbered migration instead',
      })
    }
  }
}
