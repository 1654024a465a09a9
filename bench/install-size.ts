/**
 * What a chat server that only needs the router and recorder pays to install
 * them: `loopft` (the whole CLI and library) against `loopft-runtime` (built
 * by scripts/runtime-package.js from the same dist/). Each is packed, then
 * installed from the npm registry into an empty project; the figures are the
 * packages and bytes under its node_modules, and the router and recorder must
 * load there. Run `npm run build` first.
 *   npm run bench:install-size
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
/** What the router never loads; none of it may be installed for loopft-runtime. */
const HEAVY = ['@oclif/core', '@electric-sql/pglite', 'gpt-tokenizer', 'openai', 'chalk', 'ora', '@inquirer/prompts', 'zod']

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'loopft-install-size-'))
try {
  const full = pack(ROOT)
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'runtime-package.js'), path.join(work, 'loopft-runtime')], {stdio: 'ignore'})
  const runtime = pack(path.join(work, 'loopft-runtime'))
  const rows = [measure('loopft', full, 'loopft'), measure('loopft-runtime', runtime, 'loopft-runtime')]
  const heavyInRuntime = HEAVY.filter((name) => fs.existsSync(path.join(work, 'app-loopft-runtime', 'node_modules', name)))
  if (heavyInRuntime.length > 0) throw new Error(`loopft-runtime installed ${heavyInRuntime.join(', ')}`)
  console.log('install for a router-only chat server   packages   on disk     tarball')
  for (const row of rows) console.log(`${row.name.padEnd(39)}${String(row.packages).padStart(8)}   ${megabytes(row.bytes).padStart(8)}   ${megabytes(row.tarball).padStart(8)}`)
  console.log(`ratio: ${(rows[0].bytes / rows[1].bytes).toFixed(1)}× smaller on disk, ${rows[0].packages - rows[1].packages} packages fewer; router and recorder load in both`)
} finally {
  fs.rmSync(work, {recursive: true, force: true})
}

function pack(directory: string): string {
  const [{filename}] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {cwd: directory, encoding: 'utf8'})) as {filename: string}[]
  return path.join(work, filename)
}

function measure(name: string, tarball: string, specifier: string) {
  const app = path.join(work, `app-${name}`)
  fs.mkdirSync(app)
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({name: `app-${name}`, private: true, type: 'module'}))
  execFileSync('npm', ['install', tarball, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {cwd: app, stdio: ['ignore', 'ignore', 'inherit']})
  const loaded = execFileSync(process.execPath, ['--input-type=module', '-e', `
    const {createRouter} = await import('${specifier}/router')
    const {createRecorder} = await import('${specifier}/recorder')
    console.log(typeof createRouter, typeof createRecorder)`], {cwd: app, encoding: 'utf8'}).trim()
  if (loaded !== 'function function') throw new Error(`${name}: the router and recorder did not load (${loaded})`)
  const modules = path.join(app, 'node_modules')
  return {name, packages: countPackages(modules), bytes: diskBytes(modules), tarball: fs.statSync(tarball).size}
}

function countPackages(modules: string): number {
  let count = 0
  for (const entry of fs.readdirSync(modules, {withFileTypes: true})) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue
    if (entry.name.startsWith('@')) count += fs.readdirSync(path.join(modules, entry.name)).length
    else count += 1
    const nested = path.join(modules, entry.name, 'node_modules')
    if (fs.existsSync(nested)) count += countPackages(nested)
  }
  return count
}

/** Bytes the files take on disk, in 4 KiB blocks as `du` counts them. */
function diskBytes(directory: string): number {
  let total = 0
  for (const entry of fs.readdirSync(directory, {withFileTypes: true, recursive: true})) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).blocks * 512
  }
  return total
}

function megabytes(bytes: number): string {
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(0)} kB` : `${(bytes / 1e6).toFixed(1)} MB`
}
