import {randomBytes} from 'node:crypto'
import {createWriteStream, type WriteStream} from 'node:fs'
import fs from 'node:fs/promises'
import {once} from 'node:events'
import path from 'node:path'

/**
 * Atomic file writes, one way for every writer: a sibling temporary name (same
 * directory, so the rename is atomic), fsync before the rename, the directory
 * synced after it, the temporary removed on failure. Crash recovery removes
 * leftovers by the one name scheme (isTemporaryName).
 */
export function temporaryPathFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
}

export function isTemporaryName(name: string): boolean {
  return /^\..+\.tmp-\d+-[0-9a-f]{8}$/.test(name)
}

/** Writes a whole file atomically. */
export async function writeFileAtomic(finalPath: string, data: string | Uint8Array): Promise<void> {
  await writeStreamAtomic(finalPath, async (stream) => {
    stream.write(data)
  })
}

/**
 * Atomically writes what `produce` writes into the stream (a pipeline may end
 * the stream itself); returns what `produce` returns.
 */
export async function writeStreamAtomic<T>(finalPath: string, produce: (stream: WriteStream) => Promise<T>): Promise<T> {
  const temporary = temporaryPathFor(finalPath)
  const stream = createWriteStream(temporary)
  // Kept from the start: a write can fail (ENOSPC) while produce() is busy elsewhere.
  let streamError: unknown
  stream.on('error', (error) => (streamError ??= error))
  try {
    const result = await produce(stream)
    if (!stream.writableEnded) stream.end()
    if (!stream.closed) await once(stream, 'close')
    if (streamError !== undefined) throw streamError
    await syncFile(temporary)
    await fs.rename(temporary, finalPath)
    await syncDirectory(path.dirname(finalPath))
    return result
  } catch (error) {
    // The file is opened asynchronously: removing it before the stream has closed could race its creation.
    stream.destroy()
    if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()))
    await fs.rm(temporary, {force: true})
    throw error
  }
}

/** fsync of a file written elsewhere (a stream that is already closed). */
export async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+')
  await handle.sync().finally(() => handle.close())
}

/** Makes a rename durable; some file systems refuse to fsync a directory, which then is no error. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r').catch(() => undefined)
  if (handle === undefined) return
  await handle.sync().catch(() => {}).finally(() => handle.close())
}

export async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * mkdir -p that fails at once with the failing folder's error. Node's recursive
 * mkdir loops forever on some paths (`/proc/x`: the parent exists, the child can never be made).
 */
export async function ensureDirectory(directory: string): Promise<void> {
  const missing: string[] = []
  for (let current = path.resolve(directory); ; current = path.dirname(current)) {
    try {
      if ((await fs.stat(current)).isDirectory()) break
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${current}'`), {code: 'ENOTDIR', syscall: 'mkdir', path: current})
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(current) === current) throw error
      missing.unshift(current)
    }
  }
  for (const folder of missing) {
    try {
      await fs.mkdir(folder)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
}
