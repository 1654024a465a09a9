import type {TransactionSql} from 'postgres'
import {PartWriter, type WrittenParts} from './part-writer.js'
import type {ExampleLine} from './process.js'

export interface SinkCounts {
  written: number
  duplicateInRun: number
  alreadyInMaster: number
  tooLarge: number
}

const BATCH_SIZE = 2000

/**
 * Where examples go: every example of the window once into the daily file, and
 * only those never written before into the master. De-duplication state lives
 * in Postgres (a temp table for this run, loopft_examples across runs), so
 * memory stays flat however many examples a run writes.
 */
export class ExampleSink {
  readonly counts: SinkCounts = {written: 0, duplicateInRun: 0, alreadyInMaster: 0, tooLarge: 0}
  private batch: Array<{example: ExampleLine; utf8: Uint8Array}> = []

  private constructor(
    private readonly tx: TransactionSql,
    private readonly runId: number,
    private readonly daily: PartWriter,
    private readonly master: PartWriter,
  ) {}

  static async open(tx: TransactionSql, runId: number, daily: PartWriter, master: PartWriter): Promise<ExampleSink> {
    await tx`create temp table if not exists loopft_export_seen (sha256 text primary key) on commit drop`
    return new ExampleSink(tx, runId, daily, master)
  }

  /** One training line: what it is, and its UTF-8 bytes. */
  async add(example: ExampleLine, utf8: Uint8Array): Promise<void> {
    this.batch.push({example, utf8})
    if (this.batch.length >= BATCH_SIZE) await this.flush()
  }

  async close(): Promise<{daily: WrittenParts; master: WrittenParts}> {
    await this.flush()
    return {daily: await this.daily.close(), master: await this.master.close()}
  }

  async abort(): Promise<void> {
    await Promise.all([this.daily.abort(), this.master.abort()])
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return
    const batch = this.batch
    this.batch = []
    const hashes = batch.map(({example}) => example.sha256)
    const firstSeen = new Set((await this.tx<{sha256: string}[]>`
      insert into loopft_export_seen (sha256) select unnest(${hashes}::text[]) on conflict do nothing returning sha256`).map((row) => row.sha256))
    const inMaster = new Set((await this.tx<{sha256: string}[]>`
      select sha256 from loopft_examples where sha256 = any(${[...firstSeen]}::text[])`).map((row) => row.sha256))
    const lineage: Array<{sha256: string; conversation_id: string; user_ids: string[]; daily_file: string; master_file: string}> = []
    for (const {example, utf8} of batch) {
      if (!firstSeen.delete(example.sha256)) {
        this.counts.duplicateInRun += 1
        continue
      }
      const dailyFile = await this.daily.write(utf8)
      if (dailyFile === undefined) {
        this.counts.tooLarge += 1
        continue
      }
      this.counts.written += 1
      if (inMaster.has(example.sha256)) {
        this.counts.alreadyInMaster += 1
        continue
      }
      const masterFile = await this.master.write(utf8)
      lineage.push({
        sha256: example.sha256,
        conversation_id: example.conversationId,
        user_ids: example.userIds,
        daily_file: dailyFile,
        master_file: masterFile!,
      })
    }
    if (lineage.length > 0) {
      // One JSON parameter instead of six per row: far less for postgres.js to build per batch.
      await this.tx`
        insert into loopft_examples (sha256, export_run_id, conversation_id, user_ids, daily_file, master_file)
        select sha256, ${this.runId}, conversation_id, user_ids, daily_file, master_file
        from jsonb_to_recordset(${this.tx.json(lineage)}) as lineage (sha256 text, conversation_id text, user_ids text[], daily_file text, master_file text)`
    }
  }
}
