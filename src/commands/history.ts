import {Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderHistory} from '../cli/serving-render.js'
import {readHistory, type HistoryEntry} from '../lib/serving/promote.js'

export default class History extends LoopftCommand {
  static summary = 'Show the history of promotions, canaries and rollbacks, newest first.'
  static examples = ['<%= config.bin %> history', '<%= config.bin %> history --limit 5 --json']
  static flags = {
    limit: Flags.integer({description: 'how many entries', default: 50, min: 1}),
    'database-url': sharedFlags['database-url'],
    wide: sharedFlags.wide,
  }

  async run(): Promise<{entries: HistoryEntry[]}> {
    const {flags} = await this.parse(History)
    const {sql} = await this.openDatabase(this.loadConfig({databaseUrl: flags['database-url']}))
    const entries = await readHistory(sql, {limit: flags.limit})
    this.log(renderHistory(this.terminal, entries, {wide: flags.wide}))
    return {entries}
  }
}
