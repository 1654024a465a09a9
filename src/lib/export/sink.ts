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
  private batch: Array<{example: ExampleLine; utf8: Uint8Array; sha256: string}> = []
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

  /** One training line: what it is, and its UTF-8 bytes (with the newline), which its sha256 is of. */
  async add(example: ExampleLine, utf8: Uint8Array): Promise<void> {
    // Hashed here, not in the worker that serialised the line: the worker is export's busiest thread,
    // while this one waits on it about half the time.
    this.batch.push({example, utf8, sha256: hash('sha256', utf8, 'hex')})
    if (this.batch.length >= this.batchSize) await this.flush()
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
    if (this.batch.length === 0) return
    const batch = this.batch
    this.batch = []
    const known = await this.knownExamples(batch.map(({sha256}) => sha256))
    const earlierFirstSeen = await this.firstSeenThisRun([...known].filter(([, thisRun]) => !thisRun).map(([sha256]) => sha256))
    const seenInBatch = new Set<string>()
    const lineage: Array<{sha256: string; conversation_id: string; user_ids: string[]}> = []
    for (const {example, utf8, sha256} of batch) {
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
      if ((await this.daily.write(utf8)) === undefined) {
        this.tooLarge.add(sha256)
        this.counts.tooLarge += 1
        continue
      }
      this.counts.written += 1
      if (thisRun === false) {
        this.counts.alreadyInMaster += 1
        continue
      }
      await this.master.write(utf8)
      lineage.push({sha256, conversation_id: example.conversationId, user_ids: example.userIds})
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
