// Builds `loopft-runtime`, the chat server's package, from this repository's
// dist/ (run `npm run build` first): loopft/router and loopft/recorder and the
// modules they load (src/lib/runtime, settings), with postgres.js as the only dependency
// (the CLI's oclif, SDKs, embedded database and tokenizer stay out).
//   node scripts/runtime-package.js [OUT_DIR]     (default: build/loopft-runtime)
//   npm publish build/loopft-runtime
import fs from 'node:fs'
import path from 'node:path'

const ENTRY_POINTS = ['router', 'recorder']
/** Bare imports the runtime's JavaScript may make; anything else means the package would not load. */
const RUNTIME_PACKAGES = ['postgres']
/** Bare imports its type declarations may make (openai: the client type router.chat() takes). */
const TYPE_PACKAGES = ['postgres', 'openai']

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const out = path.resolve(process.argv[2] ?? path.join(root, 'build', 'loopft-runtime'))
const main = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

// What the entry points load, followed through relative imports (JavaScript and declarations apart:
// a module the router loads for its values need not ship its types, and the reverse).
const files = [
  ...closure(ENTRY_POINTS.map((name) => `${name}.js`), RUNTIME_PACKAGES),
  ...closure(ENTRY_POINTS.map((name) => `${name}.d.ts`), TYPE_PACKAGES),
]

fs.rmSync(out, {recursive: true, force: true})
for (const file of files) {
  const to = path.join(out, 'dist', file)
  fs.mkdirSync(path.dirname(to), {recursive: true})
  fs.copyFileSync(path.join(root, 'dist', file), to)
}

const exportsMap = Object.fromEntries(ENTRY_POINTS.map((name) => [`./${name}`, {types: `./dist/${name}.d.ts`, default: `./dist/${name}.js`}]))
const runtimePackage = {
  name: 'loopft-runtime',
  version: main.version,
  description: "loopft's router and recorder for the chat server: which model serves each request, and recording its messages. postgres.js is its only dependency.",
  type: 'module',
  license: main.license,
  engines: main.engines,
  exports: {...exportsMap, './package.json': './package.json'},
  files: ['dist'],
  dependencies: Object.fromEntries(RUNTIME_PACKAGES.map((name) => [name, main.dependencies[name]])),
  // Only the type declarations name it: router.chat() takes the chat server's own OpenAI client.
  peerDependencies: {openai: main.dependencies.openai},
  peerDependenciesMeta: {openai: {optional: true}},
}
fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(runtimePackage, null, 2)}\n`)
fs.writeFileSync(path.join(out, 'README.md'), [
  '# loopft-runtime',
  '',
  "`loopft/router` and `loopft/recorder` without the loopft CLI's dependencies, for the chat server:",
  '',
  '```ts',
  "import {createRouter} from 'loopft-runtime/router'",
  "import {createRecorder} from 'loopft-runtime/recorder'",
  '```',
  '',
  'Same code and API as in the `loopft` package; see its docs/router.md.',
  '',
].join('\n'))
process.stdout.write(`${path.relative(process.cwd(), out) || '.'}: loopft-runtime ${main.version}, ${files.length} files\n`)

function closure(entries, allowedPackages) {
  const found = new Set()
  const pending = [...entries]
  while (pending.length > 0) {
    const file = pending.pop()
    if (found.has(file)) continue
    const from = path.join(root, 'dist', file)
    if (!fs.existsSync(from)) throw new Error(`dist/${file} is missing: run \`npm run build\` first`)
    found.add(file)
    const source = fs.readFileSync(from, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
    const specifiers = Array.from(source.matchAll(/(?:^|[\s;])(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm), (match) => match[1] ?? match[2])
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) {
        const target = path.posix.join(path.posix.dirname(file), specifier)
        pending.push(file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target)
      } else if (!allowedPackages.some((name) => specifier === name || specifier.startsWith(`${name}/`))) {
        throw new Error(`dist/${file} imports ${specifier}, which loopft-runtime does not ship`)
      }
    }
  }
  return [...found].sort()
}
