import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'

/** Runtime (non-type) imports reachable from a source file: [local files, packages]. */
function importGraph(entry: string): {files: string[]; packages: string[]} {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    const text = fs.readFileSync(file, 'utf8')
    const specifiers = [
      ...text.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'/gm),
      ...text.matchAll(/\bimport\('([^']+)'\)/g),
    ].map((match) => match[1])
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')))
      else packages.add(specifier)
    }
  }
  visit(path.resolve(entry))
  return {files: [...files].map((file) => path.relative('src', file)).sort(), packages: [...packages].sort()}
}

describe('public entry points stay lean', () => {
  it('loopft/router loads postgres.js (lazily) and its own small modules only', () => {
    assert.deepEqual(importGraph('src/router.ts'), {
      files: ['lib/runtime/default-models.ts', 'lib/runtime/emitter.ts', 'lib/runtime/lazy-sql.ts', 'lib/runtime/model-target.ts', 'lib/runtime/refresh.ts', 'lib/runtime/router.ts', 'lib/runtime/selection.ts', 'lib/runtime/serving-row.ts', 'lib/settings.ts', 'router.ts'],
      packages: ['postgres'],
    })
  })

  it('loopft/recorder likewise', () => {
    assert.deepEqual(importGraph('src/recorder.ts'), {files: ['lib/runtime/batch-writer.ts', 'lib/runtime/emitter.ts', 'lib/runtime/lazy-sql.ts', 'lib/runtime/recorder.ts', 'lib/runtime/served-request.ts', 'recorder.ts'], packages: ['postgres']})
  })
})
