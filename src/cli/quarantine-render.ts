import chalk from 'chalk'
import {markFinds} from '../lib/export/quarantine.js'
import type {QuarantineReview} from '../lib/export/quarantine-ledger.js'
import type {Terminal} from './terminal.js'

/** loopft quarantine: each example's messages, every find shown as ⟦TYPE shape⟧ (inverse on a TTY). */
export function renderQuarantine(review: QuarantineReview, terminal: Terminal): string {
  if (review.runId === null) return 'no export run has quarantined an example'
  if (review.total === 0) return `export run ${review.runId} quarantined no example`
  const mark = (type: string, masked: string) => (terminal.isStdoutTty ? chalk.inverse(`⟦${type} ${masked}⟧`) : `⟦${type} ${masked}⟧`)
  const shown = review.examples.length < review.total ? ` (showing ${review.examples.length}; --limit for more)` : ''
  const blocks = review.examples.map((example) => {
    const types = [...new Set(example.finds.map((find) => find.type))].join(', ')
    const head = `#${example.id}  conversation ${example.conversationId}, example ${example.exampleIndex}: ${types}`
    const lines = example.messages.map((message, index) => `  ${message.role}: ${markFinds(message.content, example.finds.filter((find) => find.message === index), mark)}`)
    return [head, ...lines].join('\n')
  })
  return [`export run ${review.runId}: ${review.total} quarantined example(s)${shown}`, ...blocks].join('\n\n')
}
