import type {Redactor} from '../redact/index.js'
import {tombstoneHash} from '../ingest/tombstones.js'
import {decodeSourceRows} from './copy-text.js'
import {bump} from './counts.js'
import {buildExamples, type ConversationMessage, type TrainingMessage} from './examples.js'
import {LinePacker, type ExampleLine} from './line-packer.js'
import {findSuspects, quarantineExample, type QuarantinedExample} from './quarantine.js'
import {admitMessage, eachConversation, type SourceBatch, type SourceConversation} from './source.js'

export interface ProcessContext {
  redactor: Redactor
  isGoldPrompt?: (text: string) => boolean
  /** tombstoneHash() of every forgotten user: their conversations never reach training. */
  forgottenUsers: ReadonlySet<string>
  systemPrompt?: string
  maxExampleTokens: number
}

/** A batch's training lines: their UTF-8 text back to back, and what each one is; and the examples held back for review. */
export interface ProcessedBatch {
  utf8: Uint8Array<ArrayBuffer>
  lines: ExampleLine[]
  tally: Tally
  quarantined: QuarantinedExample[]
}

/** What a batch adds to the run's counts. */
export interface Tally {
  messagesRead: number
  conversations: number
  examplesSplit: number
  verifyFindings: number
  redactions: Record<string, number>
  skipped: Record<string, number>
}

export function emptyTally(): Tally {
  return {messagesRead: 0, conversations: 0, examplesSplit: 0, verifyFindings: 0, redactions: {}, skipped: {}}
}

export function addTally(into: Tally, from: Tally): void {
  into.messagesRead += from.messagesRead
  into.conversations += from.conversations
  into.examplesSplit += from.examplesSplit
  into.verifyFindings += from.verifyFindings
  for (const [key, count] of Object.entries(from.redactions)) bump(into.redactions, key, count)
  for (const [key, count] of Object.entries(from.skipped)) bump(into.skipped, key, count)
}

/**
 * A batch of whole conversations → their training lines, packed into one
 * buffer that a worker can hand back without copying. Conversations are
 * decoded and lines packed one at a time, so little survives a young-generation
 * GC. Pure CPU work, so it runs the same inline or in a worker thread.
 */
export function processBatch(batch: SourceBatch, context: ProcessContext): ProcessedBatch {
  const tally = emptyTally()
  const quarantined: QuarantinedExample[] = []
  const packer = new LinePacker()
  const take = (conversation: SourceConversation) => {
    tally.messagesRead += conversation.rows.length
    tally.conversations += 1
    for (const messages of processConversation(conversation, context, tally, quarantined)) packer.add(messages, conversation.conversationId, [...conversation.userIds])
  }
  if ('copyText' in batch) eachConversation((onRow) => decodeSourceRows(batch.copyText, onRow), take)
  else for (const conversation of batch.conversations) take(conversation)
  return {...packer.finish(), tally, quarantined}
}

/**
 * One conversation → the messages of its training lines: admit, sanitise and redact each
 * message, build (and split) examples, drop gold prompts, and verify every
 * output message; an example with a finding is held back, counted (pii_suspected) and
 * handed to `quarantined` with its finds masked.
 */
function processConversation(conversation: SourceConversation, context: ProcessContext, tally: Tally, quarantined: QuarantinedExample[]): TrainingMessage[][] {
  if (isForgotten(conversation, context.forgottenUsers)) {
    bump(tally.skipped, 'forgotten_user', conversation.rows.length)
    return []
  }
  const built = buildExamples(admittedMessages(conversation, context.redactor, tally), {systemPrompt: context.systemPrompt, maxExampleTokens: context.maxExampleTokens})
  for (const reason in built.skipped) bump(tally.skipped, reason, built.skipped[reason])
  if (built.split) tally.examplesSplit += 1
  const accepted: TrainingMessage[][] = []
  for (let exampleIndex = 0; exampleIndex < built.examples.length; exampleIndex += 1) {
    const messages = built.examples[exampleIndex]
    if (context.isGoldPrompt !== undefined && messages.some((message) => message.role === 'user' && context.isGoldPrompt!(message.content))) {
      bump(tally.skipped, 'gold_prompt')
      continue
    }
    const finds = findSuspects(messages, context.redactor)
    if (finds !== undefined) {
      tally.verifyFindings += finds.length
      bump(tally.skipped, 'pii_suspected')
      quarantined.push(quarantineExample(conversation.conversationId, exampleIndex, [...conversation.userIds], messages, finds))
      continue
    }
    accepted.push(messages)
  }
  return accepted
}

function isForgotten(conversation: SourceConversation, forgottenUsers: ReadonlySet<string>): boolean {
  if (forgottenUsers.size === 0) return false
  for (const userId of conversation.userIds) if (forgottenUsers.has(tombstoneHash(userId))) return true
  return false
}

function admittedMessages(conversation: SourceConversation, redactor: Redactor, tally: Tally): ConversationMessage[] {
  const admitted: ConversationMessage[] = []
  for (const row of conversation.rows) {
    const verdict = admitMessage(row)
    if (!verdict.ok) {
      bump(tally.skipped, verdict.reason)
      continue
    }
    if (verdict.sanitized) bump(tally.skipped, 'sanitized_text_kept')
    const redacted = redactor.redact(verdict.content, conversation.conversationId)
    // for…in, not Object.entries: no arrays per message, and most messages have no redactions at all.
    for (const type in redacted.counts) bump(tally.redactions, type, redacted.counts[type as keyof typeof redacted.counts]!)
    admitted.push({role: verdict.role, content: redacted.text, plain: verdict.plain})
  }
  return admitted
}
