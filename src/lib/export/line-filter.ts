import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {createInterface} from 'node:readline'
import {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {writeStreamAtomic} from '../files.js'

/** sha256 of a JSONL line with its newline: the key loopft_examples uses. */
export function lineHash(line: string): string {
  return createHash('sha256').update(`${line}\n`).digest('hex')
}

/**
 * Rewrites a plain JSONL file without the lines whose hash is in `hashes`
 * atomically; returns how many lines it removed. A file
 * without such lines is left untouched.
 */
export async function removeLinesFromFile(file: string, hashes: ReadonlySet<string>): Promise<number> {
  let removed = 0
  for await (const line of readLines(file)) if (hashes.has(lineHash(line))) removed += 1
  if (removed === 0) return 0
  await writeStreamAtomic(file, (stream) => pipeline(Readable.from(keptLines(readLines(file), hashes)), stream))
  return removed
}

async function* keptLines(lines: AsyncIterable<string>, hashes: ReadonlySet<string>): AsyncGenerator<string> {
  for await (const line of lines) if (!hashes.has(lineHash(line))) yield `${line}\n`
}

async function* readLines(file: string): AsyncGenerator<string> {
  for await (const line of createInterface({input: createReadStream(file), crlfDelay: Infinity})) if (line !== '') yield line
}
