import {spawn} from 'node:child_process'

export interface CliResult {
  status: number | null
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
  stdout: string
  stderr: string
}

/**
 * Runs the built CLI (`node bin/run.js`, so `npm run build` first) without a TTY.
 * Asynchronous on purpose: an in-process OpenAI stand-in must keep answering while it runs.
 */
export async function runLoopft(args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, ['bin/run.js', ...args], {env: {PATH: process.env.PATH ?? '', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
  let json: unknown = null
  try {
    json = JSON.parse(stdout)
  } catch {
    json = null
  }
  return {status, json, stdout, stderr}
}
