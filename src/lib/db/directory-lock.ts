import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {LoopftError} from '../errors.js'

/** Who holds the lock: the pid alone can be reused, so also the boot and the process's start time. */
interface LockOwner {
  pid: number
  boot: string
  started: string
}

const LOCK_FILE = 'loopft.lock'

/**
 * Holds an exclusive lock on the embedded database's directory for the life of
 * the process: PGlite lets two processes open one data directory and both
 * write, which corrupts it. The second opener fails fast instead of waiting. A
 * lock left by a process that no longer runs (kill -9, a reboot) is taken over
 * at once: the lock file records its holder's pid, boot id and start time.
 */
export async function lockDirectory(directory: string): Promise<() => Promise<void>> {
  const lockPath = path.join(directory, LOCK_FILE)
  const me = currentOwner()
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await fs.writeFile(lockPath, JSON.stringify(me), {flag: 'wx', mode: 0o600})
      return async () => {
        // Only our own lock: never remove one a later holder took over.
        if (sameOwner(await readOwner(lockPath), me)) await fs.rm(lockPath, {force: true})
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LoopftError('DB_UNAVAILABLE', `cannot lock ${directory}: ${(error as Error).message}`, {cause: error})
      }
    }
    const holder = await readOwner(lockPath)
    if (holder !== undefined && isAlive(holder)) {
      throw new LoopftError('RUN_IN_PROGRESS', `another loopft process (pid ${holder.pid}) holds the embedded database in ${directory}`, {
        suggestion: 'wait for it to finish, or set DATABASE_URL to use a Postgres server',
      })
    }
    await takeOverStale(lockPath, holder)
  }
  throw new LoopftError('RUN_IN_PROGRESS', `another loopft process took the embedded database's lock in ${directory} first`, {
    suggestion: 'wait for it to finish, or set DATABASE_URL to use a Postgres server',
  })
}

/**
 * Moves the stale lock aside (a rename has one winner), then checks that what
 * moved is still the dead holder's: another process may have taken it over in between.
 */
async function takeOverStale(lockPath: string, stale: LockOwner | undefined): Promise<void> {
  const aside = `${lockPath}.stale-${randomBytes(4).toString('hex')}`
  try {
    await fs.rename(lockPath, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const moved = await readOwner(aside)
  if (moved !== undefined && !sameOwner(moved, stale) && isAlive(moved)) {
    await fs.rename(aside, lockPath)
    return
  }
  await fs.rm(aside, {force: true})
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(lockPath, 'utf8')) as Partial<LockOwner>
    return typeof parsed.pid === 'number' ? {pid: parsed.pid, boot: String(parsed.boot ?? ''), started: String(parsed.started ?? '')} : undefined
  } catch {
    // Missing, or half-written by a process killed while creating it: no live holder.
    return undefined
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.boot !== bootId()) return false
  try {
    process.kill(owner.pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  // The pid runs: it is the holder unless it is a newer process that reused the pid.
  return owner.started === '' || processStart(owner.pid) === owner.started
}

function sameOwner(a: LockOwner | undefined, b: LockOwner | undefined): boolean {
  return a !== undefined && b !== undefined && a.pid === b.pid && a.boot === b.boot && a.started === b.started
}

function currentOwner(): LockOwner {
  return {pid: process.pid, boot: bootId(), started: processStart(process.pid)}
}

/** Linux's boot id; '' elsewhere (the pid check alone then decides). */
function bootId(): string {
  return readProc('/proc/sys/kernel/random/boot_id').trim()
}

/** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat); '' where unknown. */
function processStart(pid: number): string {
  const stat = readProc(`/proc/${pid}/stat`)
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? ''
}

function readProc(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}
