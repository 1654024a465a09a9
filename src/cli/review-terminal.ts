import type {Decision, ReviewProgress} from '../lib/review/decisions.js'
import type {ReviewExample, ReviewResult} from '../lib/review/review.js'
import {readKey} from './keypress.js'
import {renderReviewScreen} from './review-render.js'
import type {Terminal} from './terminal.js'

const CLEAR_SCREEN = '\u001B[2J\u001B[H'

export type Decide = (example: ReviewExample, decision: Decision, reason?: string) => Promise<void>

/**
 * The review on a terminal: each undecided example in sample order, one key to
 * approve, reject (then a reason), skip or quit. Each decision is recorded by
 * `decide` before the next example shows, so quitting at any point loses
 * nothing and the next session resumes at the first undecided example.
 */
export async function reviewOnTerminal(result: ReviewResult, terminal: Terminal, decide: Decide): Promise<void> {
  const progress: ReviewProgress = {...result.progress}
  for (const example of result.examples.filter((entry) => entry.decision === null && entry.messages !== null)) {
    process.stdout.write(`${CLEAR_SCREEN}${renderReviewScreen(example, progress, terminal)}\n`)
    const key = await readKey(['a', 'r', 's', 'q'], 'q')
    if (key === 'q') return
    if (key === 's') continue
    const reason = key === 'r' ? await askReason() : undefined
    if (key === 'r' && reason === undefined) return
    await decide(example, key === 'a' ? 'approve' : 'reject', reason)
    if (key === 'a') progress.approved += 1
    else progress.rejected += 1
    progress.pending -= 1
    progress.rejectionRate = progress.rejected / (progress.approved + progress.rejected)
  }
}

/** The rejection's reason; undefined when the reviewer pressed Ctrl-C instead. */
async function askReason(): Promise<string | undefined> {
  const {input} = await import('@inquirer/prompts')
  try {
    return (await input({message: 'Why reject it?', validate: (text) => text.trim() !== '' || 'a rejection needs a reason'})).trim()
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') return undefined
    throw error
  }
}
