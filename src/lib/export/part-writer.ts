import {createHash, type Hash} from 'node:crypto'
import fs from 'node:fs/promises'
import {fileSize, temporaryPathFor} from '../files.js'
import type {PendingFile} from './ledger.js'

export interface PartWriterOptions {
  /** The final path of part n (1-based). */
  partPath: (part: number) => string
  maxBytes: number
  /** Continue the last existing part (the master) instead of starting afresh (the daily file). */
  appendToExisting: boolean
  /** sha256 of each part, for the run record (the daily file); the master is not hashed. */
  hashParts: boolean
}

export interface WrittenParts {
  files: PendingFile[]
  bytes: number
  /** sha256 of each written part, in order (empty unless hashParts). */
  sha256: string[]
  lines: number
}

const FLUSH_BYTES = 1 << 20
// Written data is synced in the background every so often, so that the sync before publishing finds
// little left to write (docs/performance.md).
const BACKGROUND_SYNC_BYTES = 32 << 20

interface OpenPart {
  final: string
  temp: string
  handle: fs.FileHandle
  bytes: number
  hash?: Hash
  unsyncedBytes: number
  /** A background fdatasync in flight; its failure surfaces when the part closes. */
  syncing?: Promise<void>
}

/**
 * Writes JSONL lines into numbered parts that never grow past maxBytes, all to
 * temporary names: nothing is visible until the caller renames them into place.
 */
export class PartWriter {
  private part = 1
  private current?: OpenPart
  private pending: Uint8Array[] = []
  // The run of lines that follow each other in one buffer, not yet in pending.
  private run?: {buffer: ArrayBufferLike; start: number; end: number}
  private bufferedBytes = 0
  private readonly done: PendingFile[] = []
  private readonly hashes: string[] = []
  private totalBytes = 0
  private lines = 0
  private existingBytes = 0

  private constructor(private readonly options: PartWriterOptions) {}

  static async open(options: PartWriterOptions): Promise<PartWriter> {
    const writer = new PartWriter(options)
    if (options.appendToExisting) await writer.findLastPart()
    return writer
  }

  /** Appends one line (UTF-8, ending in \n, not changed afterwards: it is written later); returns the final path of its part, or undefined when the line alone exceeds maxBytes. */
  async write(line: Uint8Array): Promise<string | undefined> {
    const size = line.byteLength
    if (size > this.options.maxBytes) return undefined
    const current = this.current ?? (await this.openPart())
    if (current.bytes + this.bufferedBytes + size > this.options.maxBytes) {
      await this.closePart()
      this.part += 1
      this.existingBytes = 0
      await this.openPart()
    }
    this.enqueue(line)
    this.bufferedBytes += size
    this.lines += 1
    if (this.bufferedBytes >= FLUSH_BYTES) await this.flush()
    return (this.current ?? current).final
  }

  async close(): Promise<WrittenParts> {
    await this.closePart()
    return {files: this.done, bytes: this.totalBytes, sha256: this.hashes, lines: this.lines}
  }

  /** Removes every temporary file this writer made. */
  async abort(): Promise<void> {
    await this.current?.handle.close().catch(() => {})
    const temps = [...this.done.map((file) => file.temp), ...(this.current === undefined ? [] : [this.current.temp])]
    await Promise.all(temps.map((temp) => fs.rm(temp, {force: true})))
  }

  private async findLastPart(): Promise<void> {
    while ((await fileSize(this.options.partPath(this.part + 1))) !== undefined) this.part += 1
    this.existingBytes = (await fileSize(this.options.partPath(this.part))) ?? 0
  }

  private async openPart(): Promise<OpenPart> {
    const final = this.options.partPath(this.part)
    const temp = temporaryPathFor(final)
    const hash = this.options.hashParts ? createHash('sha256') : undefined
    if (this.existingBytes > 0) {
      await fs.copyFile(final, temp)
      hash?.update(await fs.readFile(temp))
    }
    const handle = await fs.open(temp, this.existingBytes > 0 ? 'a' : 'w')
    this.current = {final, temp, handle, bytes: this.existingBytes, hash, unsyncedBytes: 0}
    return this.current
  }

  /**
   * Lines arrive as views of a few large buffers, mostly back to back: a line
   * that continues the previous one extends the current run, so a flush writes
   * a handful of views with writev, and neither copies lines nor makes a view per line.
   */
  private enqueue(line: Uint8Array): void {
    if (this.run !== undefined && this.run.buffer === line.buffer && this.run.end === line.byteOffset) {
      this.run.end += line.byteLength
      return
    }
    this.closeRun()
    this.run = {buffer: line.buffer, start: line.byteOffset, end: line.byteOffset + line.byteLength}
  }

  private closeRun(): void {
    if (this.run === undefined) return
    this.pending.push(new Uint8Array(this.run.buffer, this.run.start, this.run.end - this.run.start))
    this.run = undefined
  }

  private async flush(): Promise<void> {
    this.closeRun()
    if (this.current === undefined || this.pending.length === 0) return
    await this.current.handle.writev(this.pending)
    for (const view of this.pending) this.current.hash?.update(view)
    this.current.bytes += this.bufferedBytes
    this.totalBytes += this.bufferedBytes
    this.current.unsyncedBytes += this.bufferedBytes
    this.pending = []
    this.bufferedBytes = 0
    this.syncInBackground(this.current)
  }

  private syncInBackground(part: OpenPart): void {
    if (part.unsyncedBytes < BACKGROUND_SYNC_BYTES || part.syncing !== undefined) return
    part.unsyncedBytes = 0
    // A failed sync stays in part.syncing (and no other starts), so closePart() rethrows its error.
    const syncing: Promise<void> = part.handle.datasync().then(() => {
      if (part.syncing === syncing) part.syncing = undefined
    })
    // Handled here too, so it never counts as an unhandled rejection while the run goes on.
    syncing.catch(() => {})
    part.syncing = syncing
  }

  private async closePart(): Promise<void> {
    if (this.current === undefined) return
    await this.flush()
    await this.current.syncing
    await this.current.handle.sync()
    await this.current.handle.close()
    this.done.push({temp: this.current.temp, final: this.current.final})
    if (this.current.hash !== undefined) this.hashes.push(this.current.hash.digest('hex'))
    this.current = undefined
  }
}
