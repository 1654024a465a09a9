import type {TransactionSql} from 'postgres'
import {PartWriter, type WrittenParts} from './part-writer.js'

export interface ExampleLine {
  sha256: string
  line: string
  conversationId: string
  userIds: string[]
}

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
  private batch: ExampleLine[] = []

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

  async add(example: ExampleLine): Promise<void> {
    this.batch.push(example)
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
    const hashes = batch.map((example) => example.sha256)
    const firstSeen = new Set((await this.tx<{sha256: string}[]>`
      insert into loopft_export_seen (sha256) select unnest(${hashes}::text[]) on conflict do nothing returning sha256`).map((row) => row.sha256))
    const inMaster = new Set((await this.tx<{sha256: string}[]>`
      select sha256 from loopft_examples where sha256 = any(${[...firstSeen]}::text[])`).map((row) => row.sha256))
    const lineage: Array<Record<string, unknown>> = []
    for (const example of batch) {
      if (!firstSeen.delete(example.sha256)) {
        this.counts.duplicateInRun += 1
        continue
      }
      const dailyFile = await this.daily.write(example.line)
      if (dailyFile === undefined) {
        this.counts.tooLarge += 1
        continue
      }
      this.counts.written += 1
      if (inMaster.has(example.sha256)) {
        this.counts.alreadyInMaster += 1
        continue
      }
      const masterFile = await this.master.write(example.line)
      lineage.push({
        sha256: example.sha256,
        export_run_id: this.runId,
        conversation_id: example.conversationId,
        user_ids: example.userIds,
        daily_file: dailyFile,
        master_file: masterFile,
      })
    }
    if (lineage.length > 0) {
      await this.tx`insert into loopft_examples ${this.tx(lineage, 'sha256', 'export_run_id', 'conversation_id', 'user_ids', 'daily_file', 'master_file')}`
    }
  }
}
