import {rmSync} from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {openDatabase} from '../../src/lib/db/connection.js'

let template: Promise<string> | undefined

/**
 * A new LOOPFT_HOME for the embedded PGlite database whose data directory is a
 * copy of one initialised once per test process: initdb costs several
 * CPU-seconds, the copy a fraction of one. The database in it is empty and
 * unmigrated, as in a home opened for the first time. (test/lib/db/connection.test.ts
 * keeps opening a truly new directory.)
 */
export async function newEmbeddedHome(prefix = 'loopft-pglite-'): Promise<string> {
  const source = await (template ??= initialiseTemplate())
  const home = await fs.mkdtemp(path.join(os.tmpdir(), prefix))
  await fs.cp(path.join(source, 'pgdata'), path.join(home, 'pgdata'), {recursive: true})
  return home
}

async function initialiseTemplate(): Promise<string> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-pglite-template-'))
  process.once('exit', () => rmSync(home, {recursive: true, force: true}))
  const db = await openDatabase({home})
  await db.close()
  return home
}
