import assert from 'node:assert/strict'
import {inspect} from 'node:util'
import {loadConfig} from '../../src/lib/config.js'

describe('config', () => {
  it('takes flags over environment over defaults', () => {
    const config = loadConfig({maxBytes: '10MB'}, {LOOPFT_MAX_BYTES: '20MB', LOOPFT_BASE_MODEL: 'gpt-4.1-mini-2025-04-14'})
    assert.deepEqual([config.maxBytes, config.baseModel, config.textModel], [10 * 1024 * 1024, 'gpt-4.1-mini-2025-04-14', 'gpt-4o-mini'])
  })

  it('rejects invalid values with CONFIG_INVALID naming the field', () => {
    assert.throws(() => loadConfig({}, {LOOPFT_MAX_BYTES: 'lots'}), (error: {code?: string; message?: string}) => error.code === 'CONFIG_INVALID' && /maxBytes/.test(error.message ?? ''))
    assert.throws(() => loadConfig({}, {OPENAI_BASE_URL: 'not a url'}), (error: {code?: string}) => error.code === 'CONFIG_INVALID')
  })

  it('reads the export redaction settings, and refuses pseudonyms without a key', () => {
    const config = loadConfig({}, {LOOPFT_REDACT_ALLOW: 'support@mylabel.com, mylabel.com', LOOPFT_REDACT_PLACEHOLDER: 'pseudonym', LOOPFT_PSEUDONYM_KEY: 'k-123456789'})
    assert.deepEqual([config.redactAllow, config.redactPlaceholder], [['support@mylabel.com', 'mylabel.com'], 'pseudonym'])
    assert.throws(() => loadConfig({}, {LOOPFT_REDACT_PLACEHOLDER: 'pseudonym'}), (error: {code?: string}) => error.code === 'CONFIG_INVALID')
  })

  it('never prints secrets (JSON or inspect), and is frozen', () => {
    const config = loadConfig({}, {OPENAI_API_KEY: 'sk-live-abcdefghijklmnop', DATABASE_URL: 'postgres://u:secretpw@h/db', LOOPFT_PSEUDONYM_KEY: 'pseudo-key-123456'})
    for (const printed of [JSON.stringify(config), inspect(config)]) {
      assert.ok(!printed.includes('abcdefghijklmnop') && !printed.includes('secretpw') && !printed.includes('pseudo-key-123456'), printed)
    }
    assert.ok(Object.isFrozen(config))
  })
})
