import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {openDatabase} from '../../../src/lib/db/connection.js'
import {withRunLock} from '../../../src/lib/db/run-locks.js'
import {migrate} from '../../../src/lib/db/migrate.js'
import {TEST_DATABASE_URL, useTestDatabase} from '../../support/db.js'
import {holdUntilReleased} from '../../support/wait-for.js'

describe('db', () => {
  describe('embedded PGlite default', () => {
    let home: string
    before(async () => {
      home = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-home-'))
    })
    after(async () => {
      await fs.rm(home, {recursive: true, force: true})
    })

    it('opens, migrates and round-trips jsonb and timestamptz through postgres.js', async function () {
      this.timeout(60_000)
      const db = await openDatabase({home})
      try {
        assert.equal(db.kind, 'pglite')
        await migrate(db.sql)
        const at = new Date('2026-11-01T10:00:00Z')
        await db.sql`insert into conversation_messages (conversation_id, role, content, created_at, metadata) values ('c1', 'user', 'hi', ${at}, ${db.sql.json({a: 1})})`
        const [row] = await db.sql<{created_at: Date; metadata: unknown}[]>`select created_at, metadata from conversation_messages`
        assert.deepEqual([row.created_at.toISOString(), row.metadata], [at.toISOString(), {a: 1}])
      } finally {
        await db.close()
      }
    })

    it('refuses a second opener of the same directory with RUN_IN_PROGRESS', async function () {
      this.timeout(60_000)
      const first = await openDatabase({home})
      try {
        await assert.rejects(openDatabase({home}), (error: {code?: string}) => error.code === 'RUN_IN_PROGRESS')
      } finally {
        await first.close()
      }
      const again = await openDatabase({home})
      await again.close()
    })

    it('run locks exclude a concurrent run in the same process', async function () {
      this.timeout(60_000)
      const db = await openDatabase({home})
      try {
        const held = holdUntilReleased((inside) => withRunLock(db, 'export', inside))
        await held.acquired
        await assert.rejects(withRunLock(db, 'export', async () => 'second'), (error: {code?: string}) => error.code === 'RUN_IN_PROGRESS')
        held.release()
        await held.done
        assert.equal(await withRunLock(db, 'export', async () => 'after'), 'after')
      } finally {
        await db.close()
      }
    })
  })

  describe('real Postgres', () => {
    const t = useTestDatabase()

    it('run locks exclude a second connection pool (another process)', async () => {
      const other = await openDatabase({databaseUrl: TEST_DATABASE_URL, home: '/nonexistent', searchPath: t.schema})
      try {
        const held = holdUntilReleased((inside) => withRunLock(t.db, 'export', inside))
        await held.acquired
        await assert.rejects(withRunLock(other, 'export', async () => 'second'), (error: {code?: string}) => error.code === 'RUN_IN_PROGRESS')
        assert.equal(await withRunLock(other, 'tune', async () => 'other name'), 'other name')
        held.release()
        await held.done
        assert.equal(await withRunLock(other, 'export', async () => 'after'), 'after')
      } finally {
        await other.close()
      }
    })

    it('a dead server is DB_UNAVAILABLE, not a crash', async () => {
      await assert.rejects(openDatabase({databaseUrl: 'postgres://postgres@127.0.0.1:1/test', home: '/nonexistent'}), (error: {code?: string}) => error.code === 'DB_UNAVAILABLE')
    })
  })
})
