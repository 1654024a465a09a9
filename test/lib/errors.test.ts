import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import {EXIT, EXIT_MEANINGS, LoopftError} from '../../src/lib/errors.js'
import {toLoopftError} from '../../src/lib/error-translation.js'

describe('errors', () => {
  it('has one number per meaning, and the README renders the same table', async () => {
    const numbers = Object.values(EXIT)
    assert.equal(new Set(numbers).size, numbers.length)
    const readme = await fs.readFile(new URL('../../README.md', import.meta.url), 'utf8')
    for (const [name, code] of Object.entries(EXIT)) {
      assert.ok(readme.includes(`| ${code} | \`${name}\` | ${EXIT_MEANINGS[name as keyof typeof EXIT]} |`), `README row for ${name}`)
    }
  })

  it('translates foreign errors by code, never leaking a key or a password', () => {
    const refused = toLoopftError(Object.assign(new Error('connect ECONNREFUSED postgres://app:hunter2@db:5432/x'), {code: 'ECONNREFUSED'}))
    assert.equal(refused.code, 'DB_UNAVAILABLE')
    assert.ok(!refused.message.includes('hunter2'))
    const apiKey = toLoopftError(Object.assign(new Error('401 Incorrect API key provided: sk-proj-abcdef123456'), {status: 401, name: 'AuthenticationError'}))
    assert.deepEqual([apiKey.code, apiKey.message.includes('abcdef123456')], ['CONFIG_INVALID', false])
    const serverGone = toLoopftError(Object.assign(new Error('terminating connection'), {code: '57P01', severity: 'FATAL'}))
    assert.equal(serverGone.code, 'DB_UNAVAILABLE')
    const noSchema = toLoopftError(Object.assign(new Error('no schema has been selected to create in'), {code: '3F000', severity: 'ERROR'}))
    assert.deepEqual([noSchema.code, noSchema.exitCode], ['CONFIG_INVALID', 3])
    const diskFull = toLoopftError(Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC', errno: -28, syscall: 'write'}))
    assert.deepEqual([diskFull.code, diskFull.exitCode], ['SYSTEM_ERROR', 19])
  })

  it('one result contract: no command sets an exit code itself; failures are thrown, and only the base command maps them', async () => {
    const dir = new URL('../../src/commands/', import.meta.url)
    const setters = []
    for (const file of await fs.readdir(dir)) if (/process\.exitCode|process\.exit\(/.test(await fs.readFile(new URL(file, dir), 'utf8'))) setters.push(file)
    assert.deepEqual(setters, [])
  })

  it('carries a partial result in the one error shape, and prints it under --json', () => {
    const error = new LoopftError('PARTIAL', '1 of 2 failed', {result: {done: 1, failures: ['b']}})
    assert.deepEqual(JSON.parse(JSON.stringify({error})), {error: {code: 'PARTIAL', message: '1 of 2 failed', exitCode: 16, result: {done: 1, failures: ['b']}}})
  })
})
