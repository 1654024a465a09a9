// The layering rules `npm run lint:deps` checks (CI runs it before the tests;
// test/dependency-rules.test.ts proves each rule fails on a violation).
// Type-only imports are allowed: they are erased at build time and load nothing.

/** What a chat server must not load through loopft/router or loopft/recorder. */
const HEAVY_PACKAGES = [
  '@oclif/', 'chalk', 'ora', '@inquirer/', 'cli-table3', // the CLI
  'openai', 'together-ai', // the provider SDKs
  '@electric-sql/pglite', // the embedded database
  'gpt-tokenizer',
]
const heavy = `(^|/)node_modules/(${HEAVY_PACKAGES.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`

module.exports = {
  forbidden: [
    {
      name: 'runtime-loads-no-heavy-package',
      comment: 'src/lib/runtime is what the router and recorder load: no CLI, provider SDK, embedded database or tokenizer',
      severity: 'error',
      from: {path: '^src/lib/runtime/'},
      to: {path: heavy, dependencyTypesNot: ['type-only']},
    },
    {
      name: 'runtime-is-self-contained',
      comment: 'src/lib/runtime imports only its own modules and the settings declaration, so the rule above holds for everything it loads',
      severity: 'error',
      from: {path: '^src/lib/runtime/'},
      to: {path: '^src/', pathNot: ['^src/lib/runtime/', '^src/lib/settings\\.ts$'], dependencyTypesNot: ['type-only']},
    },
    {
      name: 'settings-declaration-loads-nothing',
      comment: 'the router reads its settings from src/lib/settings.ts: it may import types only',
      severity: 'error',
      from: {path: '^src/lib/settings\\.ts$'},
      to: {dependencyTypesNot: ['type-only']},
    },
    {
      name: 'lean-entry-points-load-runtime-only',
      comment: 'loopft/router and loopft/recorder re-export src/lib/runtime and nothing else',
      severity: 'error',
      from: {path: '^src/(router|recorder)\\.ts$'},
      to: {pathNot: '^src/lib/runtime/', dependencyTypesNot: ['type-only']},
    },
    {
      name: 'lib-does-not-import-the-cli',
      comment: 'src/lib is the library: the oclif glue (src/cli) and the commands depend on it, never the reverse',
      severity: 'error',
      from: {path: '^src/lib/'},
      to: {path: '^src/(cli|commands)/'},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], mainFields: ['module', 'main', 'types']},
  },
}
