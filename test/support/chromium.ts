import {execFile} from 'node:child_process'
import {promisify} from 'node:util'

export const CHROMIUM = process.env.LOOPFT_CHROMIUM ?? '/usr/bin/chromium'

/** Loads a file in headless Chromium; returns the DOM after load and every console line it logged. */
export async function openInChromium(file: string, profile: string): Promise<{dom: string; consoleLines: string[]}> {
  const {stdout, stderr} = await promisify(execFile)(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0',
    '--dump-dom', `file://${file}`,
  ], {timeout: 60_000, maxBuffer: 16 * 1024 * 1024})
  return {dom: stdout, consoleLines: stderr.split('\n').filter((line) => line.includes(':CONSOLE'))}
}
