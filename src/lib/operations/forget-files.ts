import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
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
