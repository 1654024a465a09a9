import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {promisify} from 'node:util'
import {useTestDatabase} from './support/db.js'

// scripts/runtime-package.js builds loopft-runtime from dist/ (npm test builds first).
describe('loopft-runtime (scripts/runtime-package.js)', () => {
  const database = useTestDatabase()
  let out: string
  before(async () => {
    out = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-runtime-'))
    await promisify(execFile)(process.execPath, ['scripts/runtime-package.js', out])
  })
  after(() => fs.rm(out, {recursive: true, force: true}))

  it('depends on postgres.js only and exports the router and the recorder', async () => {
    const manifest = JSON.parse(await fs.readFile(path.join(out, 'package.json'), 'utf8'))
    assert.deepEqual(Object.keys(manifest.dependencies), ['postgres'])
    assert.deepEqual(Object.keys(manifest.exports), ['./router', './recorder', './package.json'])
    assert.deepEqual(manifest.peerDependenciesMeta, {openai: {optional: true}})
  })

  it('runs from its own files: the router reads the serving row, the recorder writes a message', async () => {
    const {createRouter} = await import(pathToFileURL(path.join(out, 'dist', 'router.js')).href)
    const {createRecorder} = await import(pathToFileURL(path.join(out, 'dist', 'recorder.js')).href)
    assert.notEqual(createRouter, (await import('../src/router.js')).createRouter, 'loaded from the package, not from src/')
    const router = createRouter({sql: database.sql}, {listen: false, env: {}})
    await router.ready()
    assert.equal(router.selectModel({messages: [{role: 'user', content: 'hola'}]}).model, 'gpt-4o-mini')
    await router.close()
    const recorder = createRecorder({sql: database.sql})
    recorder.record({conversationId: 'c-1', role: 'user', content: 'bonjour'})
    await recorder.close()
    const rows = await database.sql`select conversation_id, content from conversation_messages`
    assert.deepEqual(rows.map((row) => [row.conversation_id, row.content]), [['c-1', 'bonjour']])
  })
})
