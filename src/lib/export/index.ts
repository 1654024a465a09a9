import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type {TransactionSql} from 'postgres'
import type {Database, Sql} from '../db.js'
import {LoopftError} from '../errors.js'
import {withRunLock} from '../locks.js'
import {forgottenUserCheck} from '../tombstones.js'
import type {Redactor} from '../redact/index.js'
import {buildExamples, bump, type ConversationMessage, type TrainingMessage} from './examples.js'
import {dailyFileTakenByOtherRun, failRun, readRun, startRun, type ExportRunRecord} from './ledger.js'
import {PartWriter} from './part-writer.js'
import {publishFiles, recoverInterruptedRuns} from './publish.js'
import {ExampleSink} from './sink.js'
import {admitMessage, streamConversations, type SourceConversation} from './source.js'
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
  redactor: Redactor
  /** True for a user message that is a gold-set prompt: such examples never reach training. */
  isGoldPrompt?: (text: string) => boolean
  /** True for a user erased by forget; default: the tombstones recorded in the database. */
  isForgotten?: (userId: string) => boolean
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
}

interface RunTally {
  messagesRead: number
  conversations: number
  examplesSplit: number
  verifyFindings: number
  redactions: Record<string, number>
  skipped: Record<string, number>
}

const PROGRESS_EVERY = 10_000

/**
 * The daily job: streams the window's messages, redacts them, builds chat
 * fine-tuning examples and writes the daily file and the de-duplicated master,
 * atomically, recorded in loopft_export_runs. Overlapping runs fail fast with
 * RUN_IN_PROGRESS; a crash leaves earlier files intact and the next run rolls
 * forward or discards what the crashed one left.
 */
export async function exportConversations(db: Database, options: ExportOptions): Promise<ExportResult> {
  return withRunLock(db, 'export', async () => {
    await fs.mkdir(options.outDir, {recursive: true})
    await recoverInterruptedRuns(db.sql, options.outDir)
    const window = await resolveWindow(db.sql, options.since, options.until, options.now ?? new Date())
    const isForgotten = options.isForgotten ?? (await forgottenUserCheck(db.sql))
    const runId = await startRun(db.sql, window, options.outDir)
    const tally: RunTally = {messagesRead: 0, conversations: 0, examplesSplit: 0, verifyFindings: 0, redactions: {}, skipped: {}}
    try {
      const {pending, tooLarge} = await db.sql.begin((tx) => writeRun(tx, runId, window, {...options, isForgotten}, tally))
      await publishFiles(db.sql, runId, pending)
      const record = await readRun(db.sql, runId)
      return {...record, window: {start: window.start.toISOString(), end: window.end.toISOString(), startFrom: window.startFrom}, examplesTooLarge: tooLarge, examplesSplit: tally.examplesSplit}
    } catch (error) {
      await failRun(db.sql, runId, (error as Error).message, {verifyFindings: tally.verifyFindings}).catch(() => {})
      throw error
    }
  })
}

async function writeRun(tx: TransactionSql, runId: number, window: ExportWindow, options: ExportOptions, tally: RunTally) {
  const dailyBase = await dailyFileBase(tx, options.outDir, window, runId)
  const daily = await PartWriter.open({partPath: (part) => partName(dailyBase, part), maxBytes: options.maxBytes, appendToExisting: false})
  const master = await PartWriter.open({partPath: (part) => partName(path.join(options.outDir, 'master'), part), maxBytes: options.maxBytes, appendToExisting: true})
  const sink = await ExampleSink.open(tx, runId, daily, master)
  try {
    for await (const conversation of streamConversations(tx, window)) {
      for (const example of examplesOf(conversation, options, tally)) await sink.add(example)
      if (options.onProgress !== undefined && tally.messagesRead % PROGRESS_EVERY < conversation.rows.length) {
        options.onProgress({messagesRead: tally.messagesRead, conversations: tally.conversations, examples: sink.counts.written})
      }
    }
    if (tally.verifyFindings > 0) {
      throw new LoopftError('PII_SURVIVED', `the verify pass found ${tally.verifyFindings} possible PII span(s) after redaction; no file was published`, {
        suggestion: 'report the pattern (loopft redact --stats on a sample) so the redactor learns it',
      })
    }
    const written = await sink.close()
    const dailyFiles = written.daily.files.map((file) => file.final)
    await tx`
      update loopft_export_runs set status = 'succeeded', finished_at = now(),
        daily_file = ${dailyFiles[0] ?? null}, daily_files = ${dailyFiles}, daily_bytes = ${written.daily.bytes},
        daily_sha256 = ${written.daily.sha256[0] ?? null}, master_files = ${written.master.files.map((file) => file.final)},
        messages_read = ${tally.messagesRead}, conversations = ${tally.conversations},
        examples_written = ${sink.counts.written}, examples_duplicate = ${sink.counts.alreadyInMaster + sink.counts.duplicateInRun},
        redactions = ${tx.json(tally.redactions)}, skipped = ${tx.json({...tally.skipped, ...(sink.counts.tooLarge > 0 ? {example_too_large: sink.counts.tooLarge} : {})})},
        verify_findings = 0,
        pending_files = ${tx.json([...written.daily.files, ...written.master.files] as never)}
      where id = ${runId}`
    return {pending: [...written.daily.files, ...written.master.files], tooLarge: sink.counts.tooLarge}
  } catch (error) {
    await sink.abort()
    throw error
  }
}

function* examplesOf(conversation: SourceConversation, options: ExportOptions, tally: RunTally) {
  tally.messagesRead += conversation.rows.length
  tally.conversations += 1
  const userIds = [...conversation.userIds]
  if (options.isForgotten !== undefined && userIds.some(options.isForgotten)) {
    bump(tally.skipped, 'forgotten_user', conversation.rows.length)
    return
  }
  const built = buildExamples(admittedMessages(conversation, options.redactor, tally), {systemPrompt: options.systemPrompt, maxExampleTokens: options.maxExampleTokens})
  for (const [reason, count] of Object.entries(built.skipped)) bump(tally.skipped, reason, count)
  if (built.split) tally.examplesSplit += 1
  for (const messages of built.examples) {
    if (options.isGoldPrompt !== undefined && messages.some((message) => message.role === 'user' && options.isGoldPrompt!(message.content))) {
      bump(tally.skipped, 'gold_prompt')
      continue
    }
    const findings = countFindings(messages, options.redactor)
    if (findings > 0) {
      tally.verifyFindings += findings
      continue
    }
    const line = `${JSON.stringify({messages})}\n`
    yield {sha256: createHash('sha256').update(line).digest('hex'), line, conversationId: conversation.conversationId, userIds}
  }
}

function admittedMessages(conversation: SourceConversation, redactor: Redactor, tally: RunTally): ConversationMessage[] {
  const admitted: ConversationMessage[] = []
  for (const row of conversation.rows) {
    const verdict = admitMessage(row)
    if (!verdict.ok) {
      bump(tally.skipped, verdict.reason)
      continue
    }
    if (verdict.sanitized) bump(tally.skipped, 'sanitized_text_kept')
    const redacted = redactor.redact(verdict.message.content, conversation.conversationId)
    for (const [type, count] of Object.entries(redacted.counts)) bump(tally.redactions, type, count)
    admitted.push({role: verdict.message.role, content: redacted.text})
  }
  return admitted
}

function countFindings(messages: TrainingMessage[], redactor: Redactor): number {
  let findings = 0
  for (const message of messages) if (message.role !== 'system') findings += redactor.verify(message.content).length
  return findings
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
