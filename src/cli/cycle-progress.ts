import chalk from 'chalk'
import type {Ora} from 'ora'
import type {CycleProgress} from '../lib/operations/cycle.js'
import {formatElapsed} from '../lib/format.js'
import type {Terminal} from './terminal.js'

export interface CycleProgressView {
  show(progress: CycleProgress): void
  /** The last line: what happened, and how long the run took. */
  finish(text: string, succeeded: boolean): void
  /** Ends without a line (the error that follows says it all). */
  stop(): void
}

/**
 * cycle's progress on stderr: one line per step and per thing worth keeping,
 * each with the time since the run began. A long wait says what it waits for
 * and for how long: on a TTY in an ora spinner ticking every second, off a TTY
 * (cron logs) as a plain line when the wait changes or its count passes a quarter.
 */
export function startCycleProgress(terminal: Terminal, options: {quiet: boolean; now?: () => number}): CycleProgressView {
  if (options.quiet) return {show() {}, finish() {}, stop() {}}
  const now = options.now ?? Date.now
  const started = now()
  const stamp = () => `[${formatElapsed(now() - started).padStart(7)}]`
  const write = (text: string) => process.stderr.write(`${text}\n`)
  return terminal.isStderrTty ? spinnerView(stamp, now) : plainView(stamp, write)
}

function lineOf(progress: Extract<CycleProgress, {type: 'line'}>): string {
  return `${progress.step}: ${progress.text}`
}

function waitOf(progress: Extract<CycleProgress, {type: 'waiting'}>): string {
  const count = progress.total === undefined ? '' : ` (${progress.done ?? 0}/${progress.total})`
  return `${progress.step}: waiting for ${progress.waitingFor}${count}`
}

function plainView(stamp: () => string, write: (text: string) => void): CycleProgressView {
  let lastWait: {for: string; quarter: number} | undefined
  return {
    show(progress) {
      if (progress.type === 'line') {
        lastWait = undefined
        write(`${stamp()} ${lineOf(progress)}`)
        return
      }
      const quarter = progress.total === undefined || progress.total === 0 ? 0 : Math.floor((4 * (progress.done ?? 0)) / progress.total)
      if (lastWait?.for === progress.waitingFor && lastWait.quarter === quarter) return
      lastWait = {for: progress.waitingFor, quarter}
      write(`${stamp()} ${waitOf(progress)}`)
    },
    finish: (text) => write(`${stamp()} ${text}`),
    stop() {},
  }
}

/** ora is imported only when a spinner shows (as in progress.ts); lines printed before it loads are kept. */
function spinnerView(stamp: () => string, now: () => number): CycleProgressView {
  let spinner: Ora | undefined
  let finished = false
  let wait: {text: string; for: string; since: number} | undefined
  const text = () => (wait === undefined ? 'cycle' : `${wait.text} · ${formatElapsed(now() - wait.since)}`)
  const ticker = setInterval(() => {
    if (spinner !== undefined) spinner.text = text()
  }, 1000)
  ticker.unref()
  void import('ora').then(({default: ora}) => {
    if (!finished) spinner = ora({text: text(), stream: process.stderr}).start()
  })
  const end = () => {
    finished = true
    clearInterval(ticker)
  }
  return {
    show(progress) {
      if (progress.type === 'waiting') {
        wait = {text: waitOf(progress), for: progress.waitingFor, since: wait?.for === progress.waitingFor ? wait.since : now()}
        if (spinner !== undefined) spinner.text = text()
        return
      }
      wait = undefined
      spinner?.clear()
      process.stderr.write(`${stamp()} ${lineOf(progress)}\n`)
      if (spinner !== undefined) {
        spinner.text = text()
        spinner.render()
      }
    },
    finish(final, succeeded) {
      end()
      const line = `${stamp()} ${final}`
      // A run shorter than ora's import still ends on the same mark.
      if (spinner === undefined) process.stderr.write(`${succeeded ? chalk.green('✔') : chalk.red('✖')} ${line}\n`)
      else if (succeeded) spinner.succeed(line)
      else spinner.fail(line)
    },
    stop() {
      end()
      spinner?.stop()
    },
  }
}
