import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FIXTURE = fileURLToPath(new URL('fixtures/dependency-rules/', import.meta.url))

// `npm run lint:deps` checks src/ against .dependency-cruiser.cjs; this proves each rule
// fires on a tree that breaks it (and lets a type-only SDK import through).
describe('dependency rules (.dependency-cruiser.cjs)', () => {
  it('reports every violation in the fixture tree, one per rule, and exits non-zero', async function () {
    this.timeout(60_000)
    const cruise = promisify(execFile)(process.execPath, [`${ROOT}node_modules/dependency-cruiser/bin/dependency-cruise.mjs`, 'src', '--config', `${ROOT}.dependency-cruiser.cjs`, '--output-type', 'err'], {cwd: FIXTURE, maxBuffer: 16 * 1024 * 1024})
    const failure = await cruise.then(() => assert.fail('dependency-cruiser passed a tree that breaks every rule'), (error: {code?: number; stdout: string}) => error)
    assert.ok((failure.code ?? 0) > 0, 'a violation fails the command')
    const found = [...failure.stdout.matchAll(/^\s*error (\S+): (\S+) → (\S+)$/gm)]
      .map(([, rule, from, to]) => `${rule}: ${from} → ${to.replace(/^.*node_modules\/([^/]+)\/.*$/, '$1')}`)
      .sort()
    assert.deepEqual(found, [
      'lean-entry-points-load-runtime-only: src/router.ts → src/lib/shared.ts',
      'lib-does-not-import-the-cli: src/lib/uses-cli.ts → src/cli/render.ts',
      'runtime-is-self-contained: src/lib/runtime/reaches-out.ts → src/lib/shared.ts',
      'runtime-loads-no-heavy-package: src/lib/runtime/loads-sdk.ts → openai',
      'settings-declaration-loads-nothing: src/lib/settings.ts → src/lib/shared.ts',
    ])
  })
})
