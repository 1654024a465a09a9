import {readSystemEnvironment, type SystemEnvironment} from '../lib/config.js'

/**
 * Terminal capability, decided once: interactive means a TTY on stdin and
 * stdout, not CI, and a terminal that is not dumb. Off a TTY there are no
 * spinners, no prompts and plain lines instead of tables.
 */
export interface Terminal {
  readonly isInteractive: boolean
  readonly isStdoutTty: boolean
  readonly isStderrTty: boolean
}

export function detectTerminal(system: SystemEnvironment = readSystemEnvironment()): Terminal {
  const isStdoutTty = process.stdout.isTTY === true
  const isStderrTty = process.stderr.isTTY === true
  const isCi = system.ci !== undefined && system.ci !== '' && system.ci !== 'false' && system.ci !== '0'
  const isDumb = system.term === 'dumb'
  return Object.freeze({
    isInteractive: process.stdin.isTTY === true && isStdoutTty && !isCi && !isDumb,
    isStdoutTty,
    isStderrTty: isStderrTty && !isCi && !isDumb,
  })
}
