import {spawn, type ChildProcess} from 'node:child_process'
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'

export interface Finished {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
  /** When the process ended (ms since the epoch). */
  endedAt: number
}

/** The built CLI as a child process, without a TTY; `preload` is a module for node --import. */
export function startLoopft(args: string[], env: Record<string, string>, options: {preload?: string} = {}): {child: ChildProcess; done: Promise<Finished>} {
  const node = options.preload === undefined ? [] : ['--import', options.preload]
  const child = spawn(process.execPath, [...node, 'bin/run.js', ...args], {env: {PATH: process.env.PATH ?? '', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (status, signal) => {
      let json: unknown = null
      try {
        json = JSON.parse(stdout)
      } catch {
        json = null
      }
      resolve({status, signal, stdout, stderr, json, endedAt: Date.now()})
    })
  })
  return {child, done}
}

export async function runLoopftBounded(args: string[], env: Record<string, string>, options: {preload?: string; timeoutMs?: number} = {}): Promise<Finished> {
  const {child, done} = startLoopft(args, env, options)
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  try {
    return await done
  } finally {
    clearTimeout(timer)
  }
}

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(file)).digest('hex')
}

/** Lines of every file in `dir` (not recursive) whose name starts with `prefix`. */
export async function linesOf(dir: string, prefix: string): Promise<string[]> {
  const names = (await fs.readdir(dir)).filter((name) => name.startsWith(prefix)).sort()
  const lines: string[] = []
  for (const name of names) lines.push(...(await fs.readFile(path.join(dir, name), 'utf8')).split('\n').filter((line) => line !== ''))
  return lines
}

/** Temporary files (dot-names ending in .tmp-PID-HEX) left in `dir`. */
export async function leftovers(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((name) => /\.tmp-\d+-[0-9a-f]{8}$/.test(name))
}
