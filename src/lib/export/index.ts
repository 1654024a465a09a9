import path from 'node:path'
import type {TransactionSql} from 'postgres'
import {connectStreamingClient, type Database, type Sql} from '../db/connection.js'
import {isLoopftError, LoopftError} from '../errors.js'
import {ensureDirectory} from '../files.js'
import {withRunLock} from '../db/run-locks.js'
import {loadTombstones} from '../ingest/tombstones.js'
import type {RedactOptions, Redactor} from '../redact/index.js'
import {dailyFileTakenByOtherRun, failRun, readRun, startRun, type ExportRunRecord} from './ledger.js'
import {PartWriter} from './part-writer.js'
import type {QuarantinedExample} from './quarantine.js'
import {clearQuarantined, RunQuarantine, type QuarantineSummary} from './quarantine-ledger.js'
import {publishFiles, recoverInterruptedRuns} from './publish.js'
import {ExampleSink, type SinkCounts} from './sink.js'
import {addTally, emptyTally, type ProcessedBatch, type Tally} from './process.js'
import {streamCopyBatches, streamCursorBatches, type SourceBatch} from './source.js'
import {BATCHES_PER_WORKER, inlineProcessor, workerProcessor, type ConversationProcessor} from './worker-pool.js'
import {resolveWindow, type ExportWindow} from './window.js'

export type {ExportRunRecord} from './ledger.js'

export interface ExportOptions {
  /** A duration before `until` ("24h"), a time, or "last". */
  since: string
  until?: string
  outDir: string
  maxBytes: number
  /** The base model's per-example training context (catalog). */
  maxExampleTokens: number
  systemPrompt?: string
  /** How to redact (plain options, so worker threads can rebuild the redactor). */
  redaction?: RedactOptions
  /** A ready redactor instead: processing then stays on this thread. */
  redactor?: Redactor
  /** Worker threads for redaction and serialisation; 0 = on this thread. */
  workers?: number
  /** normalisePrompt() keys of the gold set: examples with such a user message never reach training. */
  goldKeys?: ReadonlySet<string>
  /** tombstoneHash() of each user erased by forget; default: the tombstones recorded in the database. */
  forgottenUsers?: ReadonlySet<string>
  /** An example in which verify still finds PII: left out and recorded (quarantine, the default), or the run fails and publishes nothing (strict). */
  verify?: 'quarantine' | 'strict'
  now?: Date
  onProgress?: (progress: ExportProgress) => void
}

export interface ExportProgress {
  messagesRead: number
  conversations: number
  examples: number
}

export interface ExportResult extends ExportRunRecord {
  window: {start: string; end: string; startFrom: ExportWindow['startFrom']}
  examplesTooLarge: number
  examplesSplit: number
  /** Examples left out because verify found something (also skipped.pii_suspected); review them with loopft quarantine. */
  quarantine: QuarantineSummary
  warnings: string[]
}

/**
 * The daily job: streams the window's messages, redacts them, builds chat
 * fine-tuning examples and writes the daily file and the de-duplicated master,
 * atomically, recorded in loopft_export_runs. Overlapping runs fail fast with
 * RUN_IN_PROGRESS; a crash leaves earlier files intact and the next run rolls
 * forward or discards what the crashed one left.
 */
export async function exportConversations(db: Database, options: ExportOptions): Promise<ExportResult> {
  return withRunLock(db, 'export', async () => {
    await ensureDirectory(options.outDir)
    await recoverInterruptedRuns(db.sql, options.outDir)
    const window = await resolveWindow(db.sql, options.since, options.until, options.now ?? new Date())
    const forgottenUsers = options.forgottenUsers ?? (await loadTombstones(db.sql))
    const runId = await startRun(db.sql, window, options.outDir)
    const tally = emptyTally()
    const quarantine = new RunQuarantine(runId, options.verify === 'strict')
    try {
      const {pending, tooLarge} = await db.sql.begin((tx) => writeRun(db, tx, runId, window, {...options, forgottenUsers}, tally, quarantine))
      await publishFiles(db.sql, runId, pending)
      const record = await readRun(db.sql, runId)
      return {
        ...record, window: {start: window.start.toISOString(), end: window.end.toISOString(), startFrom: window.startFrom}, examplesTooLarge: tooLarge, examplesSplit: tally.examplesSplit,
        quarantine: quarantine.summary, warnings: quarantineWarnings(quarantine.summary, runId),
      }
    } catch (error) {
      if (isLoopftError(error, 'PII_SURVIVED')) await quarantine.recordHeld(db.sql).catch(() => {})
      await failRun(db.sql, runId, (error as Error).message, {verifyFindings: tally.verifyFindings}).catch(() => {})
      throw error
    }
  })
}

async function writeRun(db: Database, tx: TransactionSql, runId: number, window: ExportWindow, options: ExportOptions, tally: Tally, quarantine: RunQuarantine) {
  await clearQuarantined(tx, runId)
  const dailyBase = await dailyFileBase(tx, options.outDir, window, runId)
  const daily = await PartWriter.open({partPath: (part) => partName(dailyBase, part), maxBytes: options.maxBytes, appendToExisting: false, hashParts: true})
  const master = await PartWriter.open({partPath: (part) => partName(path.join(options.outDir, 'master'), part), maxBytes: options.maxBytes, appendToExisting: true, hashParts: false})
  const sink = await ExampleSink.open(tx, runId, daily, master)
  const processor = await createProcessor(options)
  try {
    // A server streams the rows with COPY on a client of its own: after a COPY stream postgres.js can leave a
    // pooled connection unusable (porsager/postgres#499). The embedded default reads through a cursor in this transaction.
    const copy = db.server === undefined ? undefined : connectStreamingClient(db.server)
    try {
      const source = copy === undefined ? streamCursorBatches(tx, window) : streamCopyBatches(copy.sql, window)
      await processConversations(source, options, processor, sink, tally, (examples) => quarantine.add(tx, examples))
      await copy?.sql.end({timeout: 0})
    } catch (error) {
      // A failed run (a full disk, a lost database) cuts the COPY connection instead of waiting for the server to stop sending.
      copy?.destroy()
      await copy?.sql.end({timeout: 0}).catch(() => {})
      throw error
    }
    if (options.verify === 'strict' && tally.verifyFindings > 0) {
      throw new LoopftError('PII_SURVIVED', `the verify pass found ${tally.verifyFindings} possible PII span(s) in ${quarantine.summary.examples} example(s) after redaction; no file was published (strict)`, {
        suggestion: `review them with: loopft quarantine --run ${runId}; report the pattern so the redactor learns it`,
      })
    }
    const written = await sink.close()
    const dailyFiles = written.daily.files.map((file) => file.final)
    await tx`
      update loopft_export_runs set status = 'succeeded', finished_at = clock_timestamp(),
        daily_file = ${dailyFiles[0] ?? null}, daily_files = ${dailyFiles}, daily_bytes = ${written.daily.bytes},
        daily_sha256 = ${written.daily.sha256[0] ?? null}, master_files = ${written.master.files.map((file) => file.final)},
        messages_read = ${tally.messagesRead}, conversations = ${tally.conversations},
        examples_written = ${sink.counts.written}, examples_duplicate = ${sink.counts.alreadyInMaster + sink.counts.duplicateInRun},
        redactions = ${tx.json(tally.redactions)}, skipped = ${tx.json(skippedCounts(tally.skipped, sink.counts))},
        verify_findings = ${tally.verifyFindings},
        pending_files = ${tx.json([...written.daily.files, ...written.master.files] as never)}
      where id = ${runId}`
    return {pending: [...written.daily.files, ...written.master.files], tooLarge: sink.counts.tooLarge}
  } catch (error) {
    await sink.abort()
    throw error
  } finally {
    await processor.close()
  }
}

/**
 * Hands batches of whole conversations to the processor; results are consumed
 * in submission order, so files are identical whatever the number of workers,
 * and at most a few batches are in flight, so memory stays flat.
 */
async function processConversations(source: AsyncIterable<SourceBatch>, options: ExportOptions, processor: ConversationProcessor, sink: ExampleSink, tally: Tally, quarantine: (examples: QuarantinedExample[]) => Promise<void>): Promise<void> {
  const inFlight: Array<Promise<ProcessedBatch>> = []
  const maxInFlight = BATCHES_PER_WORKER * Math.max(1, options.workers ?? 0)
  const consumeOldest = async () => {
    const {utf8, lines, tally: delta, quarantined} = await inFlight.shift()!
    addTally(tally, delta)
    await quarantine(quarantined)
    await sink.add(utf8, lines)
    options.onProgress?.({messagesRead: tally.messagesRead, conversations: tally.conversations, examples: sink.counts.written})
  }
  for await (const batch of source) {
    inFlight.push(processor.submit(batch))
    while (inFlight.length > maxInFlight) await consumeOldest()
  }
  while (inFlight.length > 0) await consumeOldest()
}

function quarantineWarnings(summary: QuarantineSummary, runId: number): string[] {
  if (summary.examples === 0) return []
  const types = Object.entries(summary.findings).map(([type, count]) => `${type} ${count}`).join(', ')
  return [`${summary.examples} example(s) quarantined: the verify pass still found possible PII after redaction (${types}); they are not in the files. Review them with: loopft quarantine --run ${runId}`]
}

async function createProcessor(options: ExportOptions): Promise<ConversationProcessor> {
  const settings = {redaction: options.redaction ?? {}, goldKeys: [...(options.goldKeys ?? [])], forgottenUsers: [...(options.forgottenUsers ?? [])], systemPrompt: options.systemPrompt, maxExampleTokens: options.maxExampleTokens}
  if (options.redactor === undefined && (options.workers ?? 0) > 0) return workerProcessor(settings, options.workers!)
  // Loaded only here: with workers, this thread never redacts.
  const {contextFromSettings} = await import('./processing-context.js')
  const context = contextFromSettings(settings)
  return inlineProcessor(options.redactor === undefined ? context : {...context, redactor: options.redactor})
}

/** fine_tune_YYYY-MM-DD (the day of the window's end); a time suffix when another window already took the name. */
async function dailyFileBase(sql: TransactionSql | Sql, outDir: string, window: ExportWindow, runId: number): Promise<string> {
  const day = window.end.toISOString().slice(0, 10)
  const base = path.join(outDir, `fine_tune_${day}`)
  const taken = await dailyFileTakenByOtherRun(sql, partName(base, 1), runId)
  return taken ? `${base}_${window.end.toISOString().slice(11, 19).replaceAll(':', '')}` : base
}

function partName(base: string, part: number): string {
  return part === 1 ? `${base}.jsonl` : `${base}-${String(part).padStart(4, '0')}.jsonl`
}

/** The run's skipped counts: the processor's reasons, plus what the sink left out. */
function skippedCounts(skipped: Record<string, number>, counts: SinkCounts): Record<string, number> {
  return {...skipped, ...(counts.tooLarge > 0 ? {example_too_large: counts.tooLarge} : {}), ...(counts.rejected > 0 ? {rejected_in_review: counts.rejected} : {})}
}
