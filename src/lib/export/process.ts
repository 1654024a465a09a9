import {createHash} from 'node:crypto'
import type {Redactor} from '../redact/index.js'
import {buildExamples, bump, type ConversationMessage, type TrainingMessage} from './examples.js'
import type {ExampleLine} from './sink.js'
import {admitMessage, type SourceConversation} from './source.js'

export interface ProcessContext {
  redactor: Redactor
  isGoldPrompt?: (text: string) => boolean
  systemPrompt?: string
  maxExampleTokens: number
}

/** What one conversation adds to the run's counts. */
export interface Tally {
  examplesSplit: number
  verifyFindings: number
  redactions: Record<string, number>
  skipped: Record<string, number>
}

export function emptyTally(): Tally {
  return {examplesSplit: 0, verifyFindings: 0, redactions: {}, skipped: {}}
}

export function addTally(into: Tally, from: Tally): void {
  into.examplesSplit += from.examplesSplit
  into.verifyFindings += from.verifyFindings
  for (const [key, count] of Object.entries(from.redactions)) bump(into.redactions, key, count)
  for (const [key, count] of Object.entries(from.skipped)) bump(into.skipped, key, count)
}

/**
 * One conversation → its training lines: admit, sanitise and redact each
 * message, build (and split) examples, drop gold prompts, and verify every
 * output message; an example with a finding is held back and counted.
 * Pure CPU work, so it runs the same inline or in a worker thread.
 */
export function processConversation(conversation: SourceConversation, context: ProcessContext, tally: Tally): ExampleLine[] {
  const built = buildExamples(admittedMessages(conversation, context.redactor, tally), {systemPrompt: context.systemPrompt, maxExampleTokens: context.maxExampleTokens})
  for (const [reason, count] of Object.entries(built.skipped)) bump(tally.skipped, reason, count)
  if (built.split) tally.examplesSplit += 1
  const userIds = [...conversation.userIds]
  const lines: ExampleLine[] = []
  for (const messages of built.examples) {
    if (context.isGoldPrompt !== undefined && messages.some((message) => message.role === 'user' && context.isGoldPrompt!(message.content))) {
      bump(tally.skipped, 'gold_prompt')
      continue
    }
    const findings = countFindings(messages, context.redactor)
    if (findings > 0) {
      tally.verifyFindings += findings
      continue
    }
    const line = `${JSON.stringify({messages})}\n`
    lines.push({sha256: createHash('sha256').update(line).digest('hex'), line, conversationId: conversation.conversationId, userIds})
  }
  return lines
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
