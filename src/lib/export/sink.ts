import {hash} from 'node:crypto'
import type {TransactionSql} from 'postgres'
import {PartWriter, type WrittenParts} from './part-writer.js'
import type {ExampleLine} from './line-packer.js'
import {loadRejectedLines} from '../review/rejections.js'

export interface SinkCounts {
  written: number
  duplicateInRun: number
  alreadyInMaster: number
  tooLarge: number
  /** Examples a reviewer rejected (loopft review): written nowhere. */
  rejected: number
}

const BATCH_SIZE = 2000

interface LineChunk {
  utf8: Uint8Array
  lines: readonly ExampleLine[]
  hashes: string[]
}
// json, not jsonb: Postgres reads the lineage once, so converting it to jsonb first is wasted work.
const JSON_OID = 114

/**
 * Where examples go: every example of the window once into the daily file, and
 * only those never written before into the master. De-duplication state lives
 * in Postgres (loopft_examples, and a temp table for examples of earlier runs
 * met again), so memory stays flat however many examples a run writes.
 */
export class ExampleSink {
  readonly counts: SinkCounts = {written: 0, duplicateInRun: 0, alreadyInMaster: 0, tooLarge: 0, rejected: 0}
  // Whole processed batches, not an object per line: fewer objects for the young-generation GC to copy.
  private chunks: LineChunk[] = []
  private chunkedLines = 0
  // Lines longer than maxBytes are never stored, so they are remembered here; each is huge, so they are few.
  private readonly tooLarge = new Set<string>()

  private constructor(
    private readonly tx: TransactionSql,
    private readonly runId: number,
    private readonly daily: PartWriter,
    private readonly master: PartWriter,
    private readonly batchSize: number,
    private readonly rejected: ReadonlySet<string>,
  ) {}

  /** `batchSize`: examples per round trip (smaller only in tests, to cross batch boundaries). */
  static async open(tx: TransactionSql, runId: number, daily: PartWriter, master: PartWriter, batchSize = BATCH_SIZE): Promise<ExampleSink> {
    await tx`create temp table if not exists loopft_export_seen (sha256 text collate "C" primary key) on commit drop`
    return new ExampleSink(tx, runId, daily, master, batchSize, await loadRejectedLines(tx))
  }

  /**
   * Training lines: `utf8` holds them back to back (each with its newline, which its sha256 is of), `lines`
   * says what each one is. The bytes are written later, so they must not change.
   */
  async add(utf8: Uint8Array, lines: readonly ExampleLine[]): Promise<void> {
    // Hashed here, not in the worker that serialised the lines: the worker is export's busiest thread,
    // while this one waits on it about half the time.
    const hashes = new Array<string>(lines.length)
    let offset = 0
    for (let index = 0; index < lines.length; index += 1) {
      const end = offset + lines[index].byteLength
      hashes[index] = hash('sha256', utf8.subarray(offset, end), 'hex')
      offset = end
    }
    this.chunks.push({utf8, lines, hashes})
    this.chunkedLines += lines.length
    if (this.chunkedLines >= this.batchSize) await this.flush()
  }

  async close(): Promise<{daily: WrittenParts; master: WrittenParts}> {
    await this.flush()
    // Both files are synced to disk before they can be published: wait for the two syncs together.
    const [daily, master] = await Promise.all([this.daily.close(), this.master.close()])
    return {daily, master}
  }

  async abort(): Promise<void> {
    await Promise.all([this.daily.abort(), this.master.abort()])
  }

  private async flush(): Promise<void> {
    if (this.chunkedLines === 0) return
    const chunks = this.chunks
    this.chunks = []
    this.chunkedLines = 0
    const known = await this.knownExamples(chunks.flatMap((chunk) => chunk.hashes))
    const earlierFirstSeen = await this.firstSeenThisRun([...known].filter(([, thisRun]) => !thisRun).map(([sha256]) => sha256))
    const seenInBatch = new Set<string>()
    const lineage: Array<{sha256: string; conversation_id: string; user_ids: string[]}> = []
    for (const {utf8, lines, hashes: lineHashes} of chunks) {
      let offset = 0
      for (let index = 0; index < lines.length; index += 1) {
        const example = lines[index]
        const sha256 = lineHashes[index]
        const bytes = utf8.subarray(offset, offset + example.byteLength)
        offset += example.byteLength
        if (this.rejected.has(sha256)) {
          this.counts.rejected += 1
          continue
        }
        const thisRun = known.get(sha256)
        const earlierRunsAgain = thisRun === false && !earlierFirstSeen.has(sha256)
        if (seenInBatch.has(sha256) || this.tooLarge.has(sha256) || thisRun === true || earlierRunsAgain) {
          this.counts.duplicateInRun += 1
          continue
        }
        seenInBatch.add(sha256)
        if ((await this.daily.write(bytes)) === undefined) {
          this.tooLarge.add(sha256)
          this.counts.tooLarge += 1
          continue
        }
        this.counts.written += 1
        if (thisRun === false) {
          this.counts.alreadyInMaster += 1
          continue
        }
        await this.master.write(bytes)
        lineage.push({sha256, conversation_id: example.conversationId, user_ids: example.userIds})
      }
    }
    if (lineage.length > 0) {
      // One JSON parameter instead of four per row: far less for postgres.js to build per batch.
      await this.tx`
        insert into loopft_examples (sha256, export_run_id, conversation_id, user_ids)
        select sha256, ${this.runId}, conversation_id, user_ids
        from json_to_recordset(${this.tx.typed(lineage as never, JSON_OID)}) as lineage (sha256 text, conversation_id text, user_ids text[])`
    }
  }

  /** The examples among `hashes` that loopft_examples already holds: true when this run wrote them, false when an earlier run did. */
  private async knownExamples(hashes: string[]): Promise<Map<string, boolean>> {
    // Not export_run_id: re-running a window reuses its run row. Rows this transaction inserted are exactly this run's.
    const rows = await this.tx<{sha256: string; this_run: boolean}[]>`
      select sha256, xmin = pg_current_xact_id()::xid as this_run from loopft_examples where sha256 = any(${this.hexList(hashes)})`
    return new Map(rows.map((row) => [row.sha256, row.this_run]))
  }

  /**
   * Examples of earlier runs are in the daily file once per run, so the first
   * time this run meets each is remembered. Only these go through the temp
   * table: every other example's lineage row already says whether this run wrote it.
   */
  private async firstSeenThisRun(hashes: string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set()
    const rows = await this.tx<{sha256: string}[]>`
      insert into loopft_export_seen (sha256) select unnest(${this.hexList(hashes)}) on conflict do nothing returning sha256`
    return new Set(rows.map((row) => row.sha256))
  }

  /** Hex hashes as one parameter split in SQL: postgres.js would otherwise serialise and escape each array element. */
  private hexList(hashes: string[]) {
    return this.tx`string_to_array(${hashes.join(' ')}, ' ')`
  }
}
