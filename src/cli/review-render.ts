import chalk from 'chalk'
import type {ReviewProgress} from '../lib/review/decisions.js'
import type {ReviewExample, ReviewResult} from '../lib/review/review.js'
import {formatPercent} from '../lib/format.js'
import {renderFields} from './render.js'
import type {Terminal} from './terminal.js'

/** Redaction placeholders: typed ([EMAIL]) and pseudonyms ([EMAIL_3fa9c1]). */
const PLACEHOLDER = /\[[A-Z]+(?:_[0-9a-f]{6})?\]/g

/** An example's messages, one per paragraph, placeholders highlighted on a TTY so the reader sees what redaction took out. */
export function renderMessages(example: ReviewExample, terminal: Terminal): string {
  if (example.messages === null) return '  (no longer in the export files)'
  const mark = (text: string) => (terminal.isStdoutTty ? text.replace(PLACEHOLDER, (placeholder) => chalk.black.bgYellow(placeholder)) : text)
  const role = (name: string) => (terminal.isStdoutTty ? chalk.bold(name) : name)
  return example.messages.map((message) => `  ${role(message.role)}: ${mark(message.content)}`).join('\n\n')
}

export function progressLine(progress: ReviewProgress): string {
  const rate = progress.rejectionRate === null ? '' : ` (${formatPercent(progress.rejectionRate)} rejected)`
  const gone = progress.gone > 0 ? `, ${progress.gone} forgotten` : ''
  return `${progress.approved} approved, ${progress.rejected} rejected${rate}, ${progress.pending} to decide${gone}`
}

/** One example on the review screen: where the reviewer is, the example, the keys. */
export function renderReviewScreen(example: ReviewExample, progress: ReviewProgress, terminal: Terminal): string {
  const head = `example ${example.position} of ${progress.sampleSize} · conversation ${example.conversationId ?? '?'} · ${progressLine(progress)}`
  const keys = '[a] approve   [r] reject (with a reason)   [s] skip   [q] quit'
  return [terminal.isStdoutTty ? chalk.dim(head) : head, '', renderMessages(example, terminal), '', terminal.isStdoutTty ? chalk.cyan(keys) : keys].join('\n')
}

/** The result off the terminal (or after a session): the dataset, the progress and, when listing, every sampled example. */
export function renderReview(result: ReviewResult, terminal: Terminal, options: {listExamples: boolean}): string {
  const summary = renderFields(terminal, [
    ['dataset', `${result.dataset.id} (export runs ${result.dataset.exportRunIds.join(', ')}; ${result.dataset.population} examples)`],
    ['sample', `${result.progress.sampleSize} example(s): ${progressLine(result.progress)}`],
    ['reviewed', result.progress.reviewed ? 'yes' : 'no'],
    ['applied', result.applied],
    ['removed', result.purge.deferred ? 'later: an export or tune held the files (both leave rejected lines out meanwhile)' : `${result.purge.files.reduce((total, scan) => total + scan.linesRemoved, 0)} rejected line(s) from ${result.purge.files.length} file(s)`],
  ].filter(([, value]) => value !== null) as Array<[string, string]>)
  if (!options.listExamples) return summary
  const blocks = result.examples.map((example) => {
    const state = example.decision === null ? 'undecided' : `${example.decision}d by ${example.actor} at ${example.decidedAt}${example.reason === null ? '' : `: ${example.reason}`}`
    return [`#${example.position}  ${example.sha256}  conversation ${example.conversationId ?? '?'}  ${state}`, renderMessages(example, terminal)].join('\n')
  })
  return [summary, ...blocks].join('\n\n')
}
