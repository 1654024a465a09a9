import {randomBytes} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'

/** A sibling temporary name: same directory, so the final rename is atomic. */
export function temporaryPathFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
}

export function isTemporaryName(name: string): boolean {
  return /^\..+\.tmp-\d+-[0-9a-f]{8}$/.test(name)
}

/** Writes a whole file atomically: temp, fsync, rename. */
export async function writeFileAtomic(finalPath: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(finalPath)
  const handle = await fs.open(temporary, 'w')
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fs.rename(temporary, finalPath)
}

export async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
