import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import {migrate, readMigrations} from '../../../src/lib/db/migrate.js'
import {useTestDatabase} from '../../support/db.js'

describe('migrate', () => {
  const t = useTestDatabase()

  it('has applied every migration file, and a second run applies nothing', async () => {
    const files = await readMigrations()
    const rows = await t.sql<{name: string}[]>`select name from loopft_migrations order by name`
    assert.deepEqual(rows.map((row) => row.name), files.map((file) => file.name))
    const again = await migrate(t.sql)
    assert.deepEqual(again, {applied: [], alreadyApplied: files.length})
  })

  it('creates conversation_messages in the test schema', async () => {
    const [row] = await t.sql<{schema: string}[]>`select table_schema as schema from information_schema.tables where table_name = 'conversation_messages' and table_schema = ${t.schema}`
    assert.equal(row?.schema, t.schema)
  })

  it('refuses a migration edited after it was applied', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-mig-'))
    await fs.writeFile(path.join(directory, '0001_x.sql'), 'create table loopft_edit_probe (id int);')
    await migrate(t.sql, directory)
    await fs.writeFile(path.join(directory, '0001_x.sql'), 'create table loopft_edit_probe (id bigint);')
    await assert.rejects(migrate(t.sql, directory), (error: {code?: string}) => error.code === 'CONFIG_INVALID')
    await t.sql`drop table loopft_edit_probe`
    await t.sql`delete from loopft_migrations where name = '0001_x.sql'`
    await fs.rm(directory, {recursive: true})
  })

  it('two concurrent migrators apply each file once', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-mig-'))
    await fs.writeFile(path.join(directory, '0900_counter.sql'), 'create table loopft_counter_probe (id int); insert into loopft_counter_probe values (1);')
    const other = postgres(t.url, {max: 1, onnotice: () => {}})
    const results = await Promise.all([migrate(t.sql, directory), migrate(other as never, directory)])
    assert.equal(results.flatMap((result) => result.applied).length, 1)
    const [{count}] = await t.sql<{count: number}[]>`select count(*)::int as count from loopft_counter_probe`
    assert.equal(count, 1)
    await other.end()
    await t.sql`drop table loopft_counter_probe`
    await t.sql`delete from loopft_migrations where name = '0900_counter.sql'`
    await fs.rm(directory, {recursive: true})
  })
})
