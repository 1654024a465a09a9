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

export function detectTerminal(env: NodeJS.ProcessEnv = process.env): Terminal {
  const isStdoutTty = process.stdout.isTTY === true
  const isStderrTty = process.stderr.isTTY === true
  const isCi = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0'
  const isDumb = env.TERM === 'dumb'
  return Object.freeze({
    isInteractive: process.stdin.isTTY === true && isStdoutTty && !isCi && !isDumb,
    isStdoutTty,
    isStderrTty: isStderrTty && !isCi && !isDumb,
  })
}
