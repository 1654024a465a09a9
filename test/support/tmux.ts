import {execFileSync} from 'node:child_process'
import {setTimeout as sleep} from 'node:timers/promises'

export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

/** A tmux server of the test's own (its socket), so terminal tests never touch a person's sessions. */
export function tmuxTerminal(socket: string, session: string) {
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'})
  /** The screen as a person sees it (with escapes, its colours as escape codes), polled until `until` matches it. */
  const screenWhen = async (until: RegExp, options: {escapes?: boolean} = {}, timeoutMs = 30_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs
    let screen = ''
    while (Date.now() < deadline) {
      screen = tmux('capture-pane', '-p', ...(options.escapes === true ? ['-e'] : []), '-t', session)
      if (until.test(screen)) return screen
      await sleep(200)
    }
    throw new Error(`the screen never matched ${until}:\n${screen}`)
  }
  return {tmux, screenWhen}
}
