import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {Config, run} from '@oclif/core'
import chalk from 'chalk'

export interface CliResult {
  status: number | null
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
  stdout: string
  stderr: string
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Runs the built CLI (`dist/`, so `npm run build` first) in this process, as
 * `node bin/run.js` would without a TTY: the environment is exactly `PATH`
 * plus `env`, stdout and stderr are captured, and the exit code is what the
 * process would have exited with (`process.exitCode`, `this.exit()`, oclif's
 * exit errors). Runs are queued, one at a time, because they borrow the
 * process's environment and standard streams. Asynchronous on purpose: an
 * in-process OpenAI stand-in must keep answering while it runs.
 *
 * Use runLoopftProcess for what only a real process shows (signals, V8
 * options, the bin script itself, two runs at once).
 */
export function runLoopft(args: string[], env: Record<string, string>): Promise<CliResult> {
  const result = queue.then(() => runInProcess(args, env))
  queue = result.then(() => {}, () => {})
  return result
}

/** Runs `node bin/run.js` as a child process without a TTY; same contract as runLoopft. */
export async function runLoopftProcess(args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, ['bin/run.js', ...args], {cwd: ROOT, env: {PATH: process.env.PATH ?? '', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return {status, json: parseJson(stdout), stdout, stderr}
}

let queue: Promise<void> = Promise.resolve()
let config: Promise<Config> | undefined

async function runInProcess(args: string[], env: Record<string, string>): Promise<CliResult> {
  const loaded = await (config ??= Config.load(ROOT))
  const borrowed = borrowProcess({PATH: process.env.PATH ?? '', ...env})
  let status: number
  try {
    await run(args, loaded)
    status = exitCodeOf(process.exitCode)
  } catch (error) {
    status = exitStatusOf(error)
  } finally {
    borrowed.restore()
  }
  const stdout = Buffer.concat(borrowed.stdout).toString('utf8')
  return {status, json: parseJson(stdout), stdout, stderr: Buffer.concat(borrowed.stderr).toString('utf8')}
}

/** What oclif's top-level handler (bin/run.js → execute → handle) would print and exit with. */
function exitStatusOf(error: unknown): number {
  const failure = error as {oclif?: {exit?: number}; skipOclifErrorHandling?: boolean; code?: string; message?: string; stack?: string}
  if (failure?.code !== 'EEXIT' && !failure?.skipOclifErrorHandling) process.stderr.write(`${failure?.stack ?? String(error)}\n`)
  return failure?.oclif?.exit ?? 1
}

function exitCodeOf(code: number | string | null | undefined): number {
  return code === undefined || code === null ? 0 : Number(code)
}

/**
 * Gives the command the environment and streams a child process would have
 * (no TTY, so no colour, prompts or spinners) and records what it writes.
 */
function borrowProcess(env: Record<string, string>) {
  const savedEnv = {...process.env}
  for (const key of Object.keys(process.env)) delete process.env[key]
  Object.assign(process.env, env)
  const savedExitCode = process.exitCode
  process.exitCode = undefined
  const savedChalkLevel = chalk.level
  chalk.level = 0
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  const restoreStdout = capture(process.stdout, stdout)
  const restoreStderr = capture(process.stderr, stderr)
  const restoreStdin = hideTty(process.stdin)
  return {
    stdout,
    stderr,
    restore() {
      restoreStdin()
      restoreStderr()
      restoreStdout()
      chalk.level = savedChalkLevel
      process.exitCode = savedExitCode
      for (const key of Object.keys(process.env)) delete process.env[key]
      Object.assign(process.env, savedEnv)
    },
  }
}

function capture(stream: NodeJS.WriteStream, into: Buffer[]): () => void {
  const write = Object.getOwnPropertyDescriptor(stream, 'write')
  const restoreTty = hideTty(stream)
  stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    into.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk))
    const done = typeof encoding === 'function' ? encoding : callback
    if (typeof done === 'function') process.nextTick(done)
    return true
  }) as typeof stream.write
  return () => {
    if (write === undefined) delete (stream as {write?: unknown}).write
    else Object.defineProperty(stream, 'write', write)
    restoreTty()
  }
}

function hideTty(stream: NodeJS.ReadStream | NodeJS.WriteStream): () => void {
  const own = Object.getOwnPropertyDescriptor(stream, 'isTTY')
  Object.defineProperty(stream, 'isTTY', {value: false, configurable: true, writable: true})
  return () => {
    if (own === undefined) delete (stream as {isTTY?: boolean}).isTTY
    else Object.defineProperty(stream, 'isTTY', own)
  }
}

function parseJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout)
  } catch {
    return null
  }
}
