import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import {inspect} from 'node:util'
import {loadConfig} from '../../src/lib/config.js'
import {configurationTable, readRouterSettings, SETTINGS, type Setting} from '../../src/lib/settings.js'

describe('config', () => {
  it('takes flags over environment over defaults', () => {
    const config = loadConfig({maxBytes: '10MB'}, {LOOPFT_MAX_BYTES: '20MB', LOOPFT_BASE_MODEL: 'gpt-4.1-mini-2025-04-14'})
    assert.deepEqual([config.maxBytes, config.baseModel, config.textModel], [10 * 1024 * 1024, 'gpt-4.1-mini-2025-04-14', {provider: 'openai', model: 'gpt-4o-mini'}])
  })

  it('reads the default text and vision models once into {provider, model}; a bare name is OpenAI\'s', () => {
    const config = loadConfig({}, {
      LOOPFT_DEFAULT_TEXT_MODEL: 'nebius:meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:support-abcd',
      LOOPFT_VISION_MODEL: 'ft:gpt-4o-2024-08-06:acme:vision:9xQ2',
    })
    assert.deepEqual([config.textModel, config.visionModel], [
      {provider: 'nebius', model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:support-abcd'},
      {provider: 'openai', model: 'ft:gpt-4o-2024-08-06:acme:vision:9xQ2'},
    ])
    assert.deepEqual(loadConfig({}, {LOOPFT_DEFAULT_TEXT_MODEL: 'together:Qwen/Qwen2.5-7B-Instruct'}).textModel, {provider: 'together', model: 'Qwen/Qwen2.5-7B-Instruct'})
    assert.throws(() => loadConfig({}, {LOOPFT_VISION_MODEL: 'azure:'}), (error: {code?: string; message?: string}) => error.code === 'CONFIG_INVALID' && /visionModel/.test(error.message ?? ''))
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

describe('config declaration', () => {
  it('is what the README configuration table shows, row for row', async () => {
    const readme = await fs.readFile(new URL('../../README.md', import.meta.url), 'utf8')
    assert.ok(readme.includes(configurationTable()), `README's configuration table should read:\n${configurationTable()}`)
  })

  it('reads the settings cycle shares with the single commands, with their defaults', () => {
    const defaults = loadConfig({}, {})
    assert.deepEqual([defaults.judgeModel, defaults.stuckAfterMs, defaults.autoPromote, defaults.exportWorkers >= 1, defaults.actor.includes('@')], ['gpt-4.1', 2 * 3_600_000, false, true, true])
    const set = loadConfig({}, {LOOPFT_JUDGE_MODEL: 'gpt-4.1-mini', LOOPFT_STUCK_AFTER: '90m', LOOPFT_EXPORT_WORKERS: '3', LOOPFT_ACTOR: 'ci-bot', LOOPFT_AUTO_PROMOTE: 'yes'})
    assert.deepEqual([set.judgeModel, set.stuckAfterMs, set.exportWorkers, set.actor, set.autoPromote], ['gpt-4.1-mini', 90 * 60_000, 3, 'ci-bot', true])
    const flagged = loadConfig({judgeModel: 'gpt-4o', autoPromote: false, stuckAfterMs: 60_000}, {LOOPFT_JUDGE_MODEL: 'gpt-4.1-mini', LOOPFT_AUTO_PROMOTE: '1', LOOPFT_STUCK_AFTER: '3h'})
    assert.deepEqual([flagged.judgeModel, flagged.autoPromote, flagged.stuckAfterMs], ['gpt-4o', false, 60_000])
  })

  it('turns a bad number or duration into CONFIG_INVALID naming the variable, never NaN or a silent default', () => {
    for (const [name, value] of [['LOOPFT_EXPORT_WORKERS', 'two'], ['LOOPFT_EXPORT_WORKERS', '0'], ['LOOPFT_EXPORT_WORKERS', '1.5'], ['LOOPFT_STUCK_AFTER', 'soon'], ['LOOPFT_MONTHLY_BUDGET', '-5']]) {
      assert.throws(() => loadConfig({}, {[name]: value}), (error: {code?: string; message?: string}) => error.code === 'CONFIG_INVALID' && (error.message ?? '').includes(name), `${name}=${value}`)
    }
  })

  it('lets no flag read the environment itself: every overriding flag is declared, and exists', async () => {
    const commandsDir = new URL('../../src/commands/', import.meta.url)
    const flagsByCommand = new Map<string, Record<string, {env?: string}>>()
    for (const file of await fs.readdir(commandsDir)) {
      const command = (await import(new URL(file, commandsDir).href)).default as {flags?: Record<string, {env?: string}>; baseFlags?: Record<string, {env?: string}>}
      flagsByCommand.set(file.replace(/\.ts$/, ''), {...command.baseFlags, ...command.flags})
    }
    for (const [command, flags] of flagsByCommand) {
      for (const [name, flag] of Object.entries(flags)) assert.equal(flag.env, undefined, `${command} --${name} reads ${flag.env} itself`)
    }
    for (const setting of Object.values(SETTINGS) as Setting[]) {
      const declared = setting.flag?.match(/^`?--([a-z-]+)`?(?: \(([a-z-]+)\))?$/)
      if (setting.flag === undefined) continue
      assert.ok(declared, `flag of ${setting.env}: ${setting.flag}`)
      const [, flag, command] = declared
      const holders = [...flagsByCommand].filter(([name, flags]) => (command === undefined || name === command) && flags[flag] !== undefined)
      assert.ok(holders.length > 0, `${setting.env}: no command has --${flag}`)
    }
  })

  it('is the only reader of process.env in src (the router reads its two settings through the declaration)', async () => {
    const readers: string[] = []
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await fs.readdir(dir, {withFileTypes: true})) {
        const file = path.join(dir, entry.name)
        if (entry.isDirectory()) await walk(file)
        else if (/process\.env\b/.test((await fs.readFile(file, 'utf8')).replace(/^\s*\*.*$/gm, ''))) readers.push(path.relative('src', file))
      }
    }
    await walk('src')
    assert.deepEqual(readers.sort(), ['lib/config.ts', 'lib/settings.ts'])
  })

  it('router settings come from the same declaration, blank counting as unset', () => {
    assert.deepEqual(readRouterSettings({LOOPFT_TEXT_MODEL: ' ', LOOPFT_VISION_MODEL: 'gpt-4.1'}), {textModelOverride: undefined, textModel: undefined, visionModel: 'gpt-4.1'})
  })
})
