// Builds `loopft-runtime`, the chat server's package, from this repository's
// dist/ (run `npm run build` first): loopft/router and loopft/recorder and the
// src/lib/runtime modules they load, with postgres.js as the only dependency
// (the CLI's oclif, SDKs, embedded database and tokenizer stay out).
//   node scripts/runtime-package.js [OUT_DIR]     (default: build/loopft-runtime)
//   npm publish build/loopft-runtime
import fs from 'node:fs'
import path from 'node:path'

const ENTRY_POINTS = ['router', 'recorder']
const RUNTIME_DIR = 'lib/runtime'
/** Bare imports the runtime's JavaScript may make; anything else means the package would not load. */
const RUNTIME_PACKAGES = ['postgres']

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const out = path.resolve(process.argv[2] ?? path.join(root, 'build', 'loopft-runtime'))
const main = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

const files = [
  ...ENTRY_POINTS.flatMap((name) => [`${name}.js`, `${name}.d.ts`]),
  ...fs.readdirSync(path.join(root, 'dist', RUNTIME_DIR)).filter((name) => /\.(js|d\.ts)$/.test(name)).map((name) => `${RUNTIME_DIR}/${name}`),
]

fs.rmSync(out, {recursive: true, force: true})
for (const file of files) {
  const from = path.join(root, 'dist', file)
  if (!fs.existsSync(from)) throw new Error(`${path.relative(root, from)} is missing: run \`npm run build\` first`)
  const to = path.join(out, 'dist', file)
  fs.mkdirSync(path.dirname(to), {recursive: true})
  fs.copyFileSync(from, to)
}
checkImports(files.filter((file) => file.endsWith('.js')))

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

function checkImports(jsFiles) {
  const shipped = new Set(jsFiles)
  for (const file of jsFiles) {
    const source = fs.readFileSync(path.join(out, 'dist', file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
    const specifiers = Array.from(source.matchAll(/(?:^|[\s;])(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm), (match) => match[1] ?? match[2])
    for (const specifier of specifiers) {
      const target = specifier.startsWith('.') ? path.posix.join(path.posix.dirname(file), specifier) : null
      if (target !== null ? !shipped.has(target) : !RUNTIME_PACKAGES.includes(specifier)) {
        throw new Error(`dist/${file} imports ${specifier}, which loopft-runtime does not ship`)
      }
    }
  }
}
