import fs from 'node:fs/promises'
import type {Database} from '../../src/lib/db/connection.js'
import {openDatabase} from '../../src/lib/db/connection.js'
import {migrate} from '../../src/lib/db/migrate.js'
import {createTestDatabase} from './db.js'
import {newEmbeddedHome} from './pglite-home.js'

export interface BackendHandle {
  db: Database
}

/**
 * Runs a suite twice: against the real Postgres (a fresh schema) and against
 * the embedded PGlite default (a fresh directory), so the same code is proven
 * on both.
 */
export function describeOnBothBackends(title: string, suite: (backend: BackendHandle) => void): void {
  describe(`${title} (real Postgres)`, () => {
    const handle = {} as BackendHandle
    let drop: () => Promise<void>
    before(async () => {
      const created = await createTestDatabase()
      handle.db = created.db
      drop = created.drop
    })
    after(async () => drop?.())
    suite(handle)
  })
  describe(`${title} (embedded PGlite)`, () => {
    const handle = {} as BackendHandle
    let home: string | undefined
    before(async function () {
      this.timeout(120_000) // the first suite in a process also initialises the template directory
      home = await newEmbeddedHome()
      handle.db = await openDatabase({home})
      await migrate(handle.db.sql)
    })
    after(async () => {
      await handle.db?.close()
      if (home !== undefined) await fs.rm(home, {recursive: true, force: true})
    })
    suite(handle)
  })
}
