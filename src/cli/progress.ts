import ora, {type Ora} from 'ora'
import type {Terminal} from './terminal.js'

export interface Progress {
  update(text: string): void
  succeed(text?: string): void
  fail(text?: string): void
  /** A line that must survive in logs (cron): printed on stderr whether or not a spinner runs. */
  note(text: string): void
}

/** A spinner on stderr when it is a TTY; silent updates and plain notes otherwise (or under --json). */
export function startProgress(terminal: Terminal, text: string, options: {quiet: boolean}): Progress {
  if (options.quiet) return {update() {}, succeed() {}, fail() {}, note() {}}
  if (!terminal.isStderrTty) {
    return {
      update() {},
      succeed(final) { if (final) process.stderr.write(`${final}\n`) },
      fail(final) { if (final) process.stderr.write(`${final}\n`) },
      note(line) { process.stderr.write(`${line}\n`) },
    }
  }
  const spinner: Ora = ora({text, stream: process.stderr}).start()
  return {
    update(next) { spinner.text = next },
    succeed(final) { spinner.succeed(final) },
    fail(final) { spinner.fail(final) },
    note(line) { spinner.clear(); process.stderr.write(`${line}\n`); spinner.render() },
  }
}
