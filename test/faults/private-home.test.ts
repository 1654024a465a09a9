import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {openDatabase, type Database} from '../../src/lib/db/connection.js'

const OTHER_USER = 'loopft-other'

/** A second local account for the test (root only); undefined when it cannot be had. */
function otherUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined
  if (spawnSync('id', [OTHER_USER]).status !== 0 && spawnSync('useradd', ['--system', '--no-create-home', OTHER_USER]).status !== 0) return undefined
  return OTHER_USER
}

function runAs(user: string, command: string[]): {status: number | null; output: string} {
  const result = spawnSync('runuser', ['-u', user, '--', ...command], {encoding: 'utf8', timeout: 30_000})
  return {status: result.status, output: `${result.stdout}${result.stderr}`}
}

describe('faults: the embedded database is private', function () {
  this.timeout(240_000)
  let home: string
  let db: Database | undefined
  let umask: number

  before(async () => {
    // A permissive umask: the modes must not depend on it.
    umask = process.umask(0o000)
    home = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-fault-home-')), 'home')
    await fs.chmod(path.dirname(home), 0o755)
    db = await openDatabase({home})
  })
  after(async () => {
    await db?.close()
    process.umask(umask)
    await fs.rm(path.dirname(home), {recursive: true, force: true})
  })

  it('LOOPFT_HOME is 0700 and everything in it 0700 (folders) or 0600 (files)', async () => {
    const loose: string[] = []
    const home_ = await fs.stat(home)
    if ((home_.mode & 0o777) !== 0o700) loose.push(`${home} ${(home_.mode & 0o777).toString(8)}`)
    for (const entry of await fs.readdir(path.join(home, 'pgdata'), {withFileTypes: true, recursive: true})) {
      const mode = (await fs.stat(path.join(entry.parentPath, entry.name))).mode & 0o777
      if ((entry.isDirectory() && mode !== 0o700) || (entry.isFile() && mode !== 0o600)) loose.push(`${entry.name} ${mode.toString(8)}`)
    }
    assert.deepEqual(loose.slice(0, 5), [])
  })

  it('listens on a Unix socket inside LOOPFT_HOME, on no TCP port', async () => {
    const socket = path.join(home, '.s.PGSQL.5432')
    assert.ok((await fs.stat(socket)).isSocket())
    const listening = execFileSync('ss', ['-ltnp'], {encoding: 'utf8'}).split('\n').filter((line) => line.includes(`pid=${process.pid},`))
    assert.deepEqual(listening, [], 'no TCP listener in this process')
  })

  it('another local user can neither read LOOPFT_HOME nor connect to the database', async function () {
    const user = otherUser()
    if (user === undefined) {
      console.log('      SKIPPED: needs root to create and run as a second local user')
      this.skip()
    }
    const read = runAs(user!, ['ls', path.join(home, 'pgdata')])
    assert.notEqual(read.status, 0, read.output)
    assert.match(read.output, /Permission denied/)
    const connect = runAs(user!, [process.execPath, '-e', `require('net').connect(${JSON.stringify(path.join(home, '.s.PGSQL.5432'))}).on('connect', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(3) })`])
    assert.deepEqual([connect.status, connect.output.trim()], [3, 'EACCES'])
  })

  it('a second opener is refused while the first holds the lock; a dead holder\'s lock is taken over at once', async () => {
    await assert.rejects(openDatabase({home}), (error: {code?: string}) => error.code === 'RUN_IN_PROGRESS')
    await db!.close()
    db = undefined
    // The lock a kill -9 leaves: a pid that no longer runs, on this boot.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'})
    const bootId = (await fs.readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim()
    await fs.writeFile(path.join(home, 'loopft.lock'), JSON.stringify({pid: Number(dead.stdout), boot: bootId, started: '1'}))
    db = await openDatabase({home})
    const [{one}] = await db.sql<{one: number}[]>`select 1 as one`
    assert.equal(one, 1)
  })
})
