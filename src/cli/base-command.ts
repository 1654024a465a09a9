import {Command, Errors, Flags, Interfaces} from '@oclif/core'
import type OpenAI from 'openai'
import type {ProviderName, TrainingProvider} from '../lib/training/provider.js'
import {loadConfig, type ConfigOverrides, type LoopftConfig} from '../lib/config.js'
import {openDatabase, type Database} from '../lib/db/connection.js'
import {parseDuration} from '../lib/duration.js'
import {isLoopftError, LoopftError} from '../lib/errors.js'
import {toLoopftError} from '../lib/error-translation.js'
import {migrate, type MigrateResult} from '../lib/db/migrate.js'
import {settingFlag} from './setting-flag.js'
import {onDatabaseLostByDriver} from './driver-guard.js'
import {startProgress, type Progress} from './progress.js'
import {detectTerminal, type Terminal} from './terminal.js'

/** Flags shared by several commands; each command spreads the ones it needs. */
export const sharedFlags = {
  'database-url': settingFlag('databaseUrl', 'Postgres URL', {helpGroup: 'GLOBAL'}),
  yes: Flags.boolean({char: 'y', description: 'answer yes to confirmations (for cron and CI)', default: false}),
  'dry-run': Flags.boolean({description: 'show what would happen and change nothing', default: false}),
  wide: Flags.boolean({description: 'show every table cell whole, however wide the table gets (tables fit the terminal otherwise)', default: false}),
  provider: Flags.string({options: ['openai', 'azure', 'nebius', 'together'], description: 'where to train and serve (default: $LOOPFT_PROVIDER, else openai; keys: <NAME>_API_KEY, <NAME>_BASE_URL)'}),
}

/**
 * The oclif glue every loopft command shares: --json, config read once at the
 * edge, a lazily opened and migrated database closed in finally(), and one
 * catch() that maps every error to a one-line message and its documented exit
 * code (oclif would collapse custom codes to 1 under --json).
 */
export abstract class LoopftCommand extends Command {
  static enableJsonFlag = true

  protected readonly terminal: Terminal = detectTerminal()
  private database?: Database
  /** What the migration run on open did; the migrate command reports it. */
  protected migration?: MigrateResult

  async init(): Promise<void> {
    onDatabaseLostByDriver(() => this.catch(new LoopftError('DB_UNAVAILABLE', 'the database connection was lost during the run', {
      suggestion: 'check the database and run again: the next run marks this one interrupted and nothing half-written is published',
    })).catch(() => {}))
    return super.init()
  }

  protected loadConfig(overrides: ConfigOverrides = {}): LoopftConfig {
    return loadConfig(overrides)
  }

  /** A duration flag's value in milliseconds (the one parser, lib/duration.ts); the usage error names the flag. */
  protected duration(flag: string, text: string): number {
    try {
      return parseDuration(text)
    } catch (error) {
      throw isLoopftError(error) ? new LoopftError(error.code, `--${flag}: ${error.message}`, {suggestion: error.suggestion}) : error
    }
  }

  /** Opens the database (server or embedded) and brings its schema up to date. */
  protected async openDatabase(config: LoopftConfig): Promise<Database> {
    if (this.database === undefined) {
      this.database = await openDatabase({databaseUrl: config.databaseUrl, home: config.home})
      this.migration = await migrate(this.database.sql)
    }
    return this.database
  }

  /** Imported on first use: commands that never call the API (export, redact, migrate…) start ~0.1 s sooner. */
  protected async openai(config: LoopftConfig): Promise<OpenAI> {
    const {createOpenAIClient} = await import('../lib/training/openai-client.js')
    return createOpenAIClient(config)
  }

  /** Chat clients of the other providers, built on first use: promote and rollback check a model where it is served. */
  protected async chatClients(config: LoopftConfig): Promise<(provider: ProviderName) => Promise<OpenAI>> {
    const {createChatClient} = await import('../lib/training/providers.js')
    return (provider) => createChatClient(config, provider)
  }

  /** The fine-tuning provider config.provider names (--provider, LOOPFT_PROVIDER), over its SDK, imported on first use like openai(). */
  protected async trainingProvider(config: LoopftConfig): Promise<TrainingProvider> {
    const {createTrainingProvider} = await import('../lib/training/providers.js')
    return createTrainingProvider(config, config.provider)
  }

  protected progress(text: string): Progress {
    return startProgress(this.terminal, text, {quiet: this.jsonEnabled()})
  }

  /** Ends a progress line on a failure; a usage or configuration error stopped nothing worth a line of its own. */
  protected stopProgress(progress: Progress, error: unknown, text: string): void {
    if (isLoopftError(error, 'USAGE') || isLoopftError(error, 'CONFIG_INVALID')) progress.stop()
    else progress.fail(text)
  }

  /** True when confirmed; never prompts off a TTY (fails with a usage error instead of hanging). */
  protected async confirm(message: string, yes: boolean): Promise<boolean> {
    if (yes) return true
    if (!this.terminal.isInteractive) {
      throw new LoopftError('USAGE', `${message} — confirmation needed, but this is not an interactive terminal`, {suggestion: 'pass --yes'})
    }
    const {confirm} = await import('@inquirer/prompts')
    return confirm({message, default: false}, {output: process.stderr})
  }

  async catch(error: Error & {exitCode?: number}): Promise<never | void> {
    const loopftError = isUsageError(error)
      ? new LoopftError('USAGE', usageMessage(error.message), {suggestion: `see: ${this.config.bin} ${this.id ?? ''} --help`})
      : toLoopftError(error)
    process.exitCode = loopftError.exitCode
    if (this.jsonEnabled()) {
      this.logJson({error: loopftError.toJSON()})
      return
    }
    const suggestion = loopftError.suggestion === undefined ? '' : ` (${loopftError.suggestion})`
    process.stderr.write(`loopft: ${loopftError.code}: ${loopftError.message}${suggestion}\n`)
    if (loopftError.code === 'UNEXPECTED' && isDebugging()) process.stderr.write(`${error.stack}\n`)
    throw Object.assign(new Errors.ExitError(loopftError.exitCode), {skipOclifErrorHandling: true})
  }

  async finally(error: Error | undefined): Promise<void> {
    await this.database?.close().catch(() => {})
    this.database = undefined
    return super.finally(error)
  }
}

export type LoopftFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof LoopftCommand)['baseFlags'] & T['flags']>

function isUsageError(error: unknown): boolean {
  if (error instanceof Errors.CLIError && (error as {oclif?: {exit?: number}}).oclif?.exit === 2) return true
  const name = (error as {constructor?: {name?: string}})?.constructor?.name ?? ''
  return /Parse|Flag|Arg|Validation/.test(name) && error instanceof Errors.CLIError
}

/** LOOPFT_DEBUG, read through the loader; an invalid configuration is no reason to hide the real error. */
function isDebugging(): boolean {
  try {
    return loadConfig().debug
  } catch {
    return false
  }
}

/**
 * oclif's parse errors span lines ("The following error occurred:", the
 * problem, the missing argument's name on the next line, "See more help…"):
 * one line that keeps what names the flag or argument.
 */
export function usageMessage(message: string): string {
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !/^The following errors? occurred:?$/.test(line) && !/^See more help with/.test(line))
  const joined = lines.map((line) => line.replace(/^(\S+)\s{2,}(.+)$/, '$1 ($2)')).join(' ').replace(/\s{2,}/g, ' ')
  return joined === '' ? message.trim() : joined
}
