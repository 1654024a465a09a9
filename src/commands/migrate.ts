import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderFields} from '../cli/render.js'
import type {MigrateResult} from '../lib/db/migrate.js'

export default class Migrate extends LoopftCommand {
  static summary = 'Apply pending database migrations (every command also does this first).'
  static examples = ['<%= config.bin %> migrate', '<%= config.bin %> migrate --database-url postgres://localhost/chat --json']
  static flags = {'database-url': sharedFlags['database-url']}

  async run(): Promise<MigrateResult> {
    const {flags} = await this.parse(Migrate)
    await this.openDatabase(this.loadConfig({databaseUrl: flags['database-url']}))
    const result = this.migration ?? {applied: [], alreadyApplied: 0}
    this.log(renderFields(this.terminal, [['applied', result.applied.join(', ') || 'none'], ['up to date', result.alreadyApplied]]))
    return result
  }
}
