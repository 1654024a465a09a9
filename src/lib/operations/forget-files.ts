import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {createGunzip, createGzip} from 'node:zlib'
import {gzipSha256, locateExportFile, recordArchive} from './export-archive.js'
import type {Sql} from '../db/connection.js'
import {writeStreamAtomic} from '../files.js'

export interface FileScan {
  /** The export file as the ledger names it. */
  file: string
  /** Where it is now: itself, or its gzip archive. */
  location: string
  archived: boolean
  linesRemoved: number
}

/** sha256 of a JSONL line with its newline: the key loopft_examples uses. */
function lineHash(line: string): string {
  return createHash('sha256').update(`${line}\n`).digest('hex')
}

/**
 * Counts (dryRun) or removes the lines whose hash is in `hashes`. A file with
 * matches is rewritten to a temporary name and renamed over the original
 * (gzip archives are re-compressed and their recorded checksum updated); a
 * file without matches is left untouched. Missing files are skipped.
 */
export async function removeLines(sql: Sql, file: string, hashes: ReadonlySet<string>, options: {dryRun: boolean}): Promise<FileScan | undefined> {
  const located = await locateExportFile(sql, file)
  if (located === undefined) return undefined
  let linesRemoved = 0
  for await (const line of readLines(located.path, located.gzip)) if (hashes.has(lineHash(line))) linesRemoved += 1
  const scan = {file, location: located.path, archived: located.gzip, linesRemoved}
  if (options.dryRun || linesRemoved === 0) return scan
  await writeStreamAtomic(located.path, (output) => {
    const kept = Readable.from(keptLines(readLines(located.path, located.gzip), hashes))
    return located.gzip ? pipeline(kept, createGzip({level: 9}), output) : pipeline(kept, output)
  })
  if (located.gzip) {
    const bytes = await uncompressedBytes(located.path)
    await recordArchive(sql, file, located.path, await gzipSha256(located.path), bytes)
  }
  return scan
}

/** Counts (dryRun) or removes the lines of `hashes` in every export file the ledgers know: daily files and parts, master parts (archived too), tune's datasets. */
export async function removeFromExportFiles(sql: Sql, hashes: ReadonlySet<string>, dryRun: boolean): Promise<FileScan[]> {
  if (hashes.size === 0) return []
  const runs = await sql<{out_dir: string; files: string[]}[]>`
    select out_dir, array_remove(array[daily_file] || daily_files || master_files, null) as files from loopft_export_runs`
  const listed = await sql<{file: string}[]>`select dataset_path as file from loopft_training_jobs`
  const files = new Set([...runs.flatMap((run) => run.files.map((file) => path.resolve(run.out_dir, file))), ...listed.map((row) => path.resolve(row.file))])
  const scans: FileScan[] = []
  for (const file of [...files].sort()) {
    const scan = await removeLines(sql, file, hashes, {dryRun})
    if (scan !== undefined) scans.push(scan)
  }
  return scans
}

async function* keptLines(lines: AsyncIterable<string>, hashes: ReadonlySet<string>): AsyncGenerator<string> {
  for await (const line of lines) if (!hashes.has(lineHash(line))) yield `${line}\n`
}

async function* readLines(file: string, gzip: boolean): AsyncGenerator<string> {
  const input = gzip ? createReadStream(file).pipe(createGunzip()) : createReadStream(file)
  for await (const line of createInterface({input, crlfDelay: Infinity})) if (line !== '') yield line
}

async function uncompressedBytes(file: string): Promise<number> {
  let bytes = 0
  for await (const chunk of createReadStream(file).pipe(createGunzip())) bytes += (chunk as Buffer).length
  return bytes
}
