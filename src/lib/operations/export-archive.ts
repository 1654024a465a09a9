import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {createGunzip, createGzip} from 'node:zlib'
import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {writeStreamAtomic} from '../files.js'

const DAILY_FILE = /^fine_tune_(\d{4}-\d{2}-\d{2})(?:_\d{6})?(?:-\d{4})?\.jsonl$/
const DAY_MS = 86_400_000

export interface ArchiveCandidate {
  path: string
  archivePath: string
  bytes: number
}

export interface ArchivedFile extends ArchiveCandidate {
  sha256: string
  archiveBytes: number
}

/**
 * Daily export files older than the limit, by the day in their name. Master
 * parts are never archived: export finds its current part by walking the parts
 * in order, and the master is the whole de-duplicated dataset.
 */
export async function findArchivable(dirs: {outDir: string; archiveDir: string}, options: {olderThanMs: number; now: Date}): Promise<ArchiveCandidate[]> {
  const cutoff = options.now.getTime() - options.olderThanMs
  const names = (await fs.readdir(dirs.outDir).catch(() => [] as string[])).sort()
  const candidates: ArchiveCandidate[] = []
  for (const name of names) {
    const day = DAILY_FILE.exec(name)?.[1]
    if (day === undefined || Date.parse(`${day}T00:00:00Z`) + DAY_MS > cutoff) continue
    const file = path.join(dirs.outDir, name)
    const {size} = await fs.stat(file)
    candidates.push({path: file, archivePath: path.join(dirs.archiveDir, `${name}.gz`), bytes: size})
  }
  return candidates
}

/**
 * Compresses one file into the archive directory (temporary name, fsync,
 * rename), decompresses the archive again and compares sha256 with the
 * original, records it, and only then removes the original. An archive left by
 * an earlier interrupted run is reused when it verifies.
 */
export async function archiveFile(sql: Sql, candidate: ArchiveCandidate): Promise<ArchivedFile> {
  await fs.mkdir(path.dirname(candidate.archivePath), {recursive: true})
  const sha256 = await hashFile(candidate.path)
  const existing = await gzipSha256(candidate.archivePath).catch(() => undefined)
  if (existing !== undefined && existing !== sha256) {
    throw new LoopftError('INPUT_INVALID', `${candidate.archivePath} already exists with other content; ${candidate.path} was kept`, {
      suggestion: 'move the old archive aside and run prune again',
    })
  }
  if (existing === undefined) await writeGzip(candidate.path, candidate.archivePath)
  const verified = await gzipSha256(candidate.archivePath)
  if (verified !== sha256) {
    await fs.rm(candidate.archivePath, {force: true})
    throw new LoopftError('SYSTEM_ERROR', `the archive of ${candidate.path} did not verify; the original was kept`)
  }
  const {size: archiveBytes} = await fs.stat(candidate.archivePath)
  await recordArchive(sql, candidate.path, candidate.archivePath, sha256, candidate.bytes)
  await fs.rm(candidate.path)
  return {...candidate, sha256, archiveBytes}
}

export async function recordArchive(sql: Sql, originalPath: string, archivePath: string, sha256: string, bytes: number): Promise<void> {
  await sql`
    insert into loopft_archives (original_path, archive_path, sha256, bytes) values (${originalPath}, ${archivePath}, ${sha256}, ${bytes})
    on conflict (original_path) do update set archive_path = excluded.archive_path, sha256 = excluded.sha256, bytes = excluded.bytes, archived_at = now()`
}

/** Where an export file is now: in place, or the gzip archive prune moved it to. */
export async function locateExportFile(sql: Sql, file: string): Promise<{path: string; gzip: boolean} | undefined> {
  if (await exists(file)) return {path: file, gzip: false}
  const [row] = await sql<{archive_path: string}[]>`select archive_path from loopft_archives where original_path = ${file}`
  return row !== undefined && (await exists(row.archive_path)) ? {path: row.archive_path, gzip: true} : undefined
}

async function writeGzip(source: string, target: string): Promise<void> {
  await writeStreamAtomic(target, (output) => pipeline(createReadStream(source), createGzip({level: 9}), output))
}

export async function gzipSha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), createGunzip(), hashInto(hash))
  return hash.digest('hex')
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hashInto(hash))
  return hash.digest('hex')
}

function hashInto(hash: ReturnType<typeof createHash>): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      hash.update(chunk)
      done()
    },
  })
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false)
}
