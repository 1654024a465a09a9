import type {Ora} from 'ora'
import type {Terminal} from './terminal.js'

export interface Progress {
  update(text: string): void
  succeed(text?: string): void
  fail(text?: string): void
  /** Ends without a final line (the error that follows says it all). */
  stop(): void
  /** A line that must survive in logs (cron): printed on stderr whether or not a spinner runs. */
  note(text: string): void
}

/** A spinner on stderr when it is a TTY; silent updates and plain notes otherwise (or under --json). */
export function startProgress(terminal: Terminal, text: string, options: {quiet: boolean}): Progress {
  if (options.quiet) return {update() {}, succeed() {}, fail() {}, stop() {}, note() {}}
  if (!terminal.isStderrTty) {
    return {
      update() {},
      succeed(final) { if (final) process.stderr.write(`${final}\n`) },
      fail(final) { if (final) process.stderr.write(`${final}\n`) },
      stop() {},
      note(line) { process.stderr.write(`${line}\n`) },
    }
  }
  return spinnerProgress(text)
}

/** ora is imported only when a spinner shows: cron, CI and --json runs never load it (~55 ms). */
function spinnerProgress(initial: string): Progress {
  let text = initial
  let spinner: Ora | undefined
  let finished = false
  void import('ora').then(({default: ora}) => {
    if (!finished) spinner = ora({text, stream: process.stderr}).start()
  })
  const finish = (outcome: 'succeed' | 'fail', final?: string) => {
    finished = true
    if (spinner !== undefined) spinner[outcome](final)
    else if (final) process.stderr.write(`${final}\n`)
  }
  return {
    update(next) {
      text = next
      if (spinner !== undefined) spinner.text = next
    },
    succeed: (final) => finish('succeed', final),
    fail: (final) => finish('fail', final),
    stop() {
      finished = true
      spinner?.stop()
    },
    note(line) {
      spinner?.clear()
      process.stderr.write(`${line}\n`)
      spinner?.render()
    },
  }
}
