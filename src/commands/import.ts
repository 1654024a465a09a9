import {Args, Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderFields} from '../cli/render.js'
import {importConversations, importFailure, type ImportResult} from '../lib/ingest/import.js'

export default class Import extends LoopftCommand {
  static summary = 'Load conversations from JSONL (one message, or one OpenAI-format conversation, per line) into conversation_messages.'
  static examples = ['<%= config.bin %> import examples/conversations.jsonl --relative-to-now', '<%= config.bin %> import messages.jsonl --json']
  static args = {file: Args.string({description: 'JSONL file', required: true})}
  static flags = {
    'relative-to-now': Flags.boolean({description: 'shift timestamps so the newest message lands a minute ago (sample data that looks recent)', default: false}),
    'batch-size': Flags.integer({description: 'rows per insert', default: 1000, min: 1, max: 9000}),
    'database-url': sharedFlags['database-url'],
  }

  async run(): Promise<ImportResult> {
    const {args, flags} = await this.parse(Import)
    const database = await this.openDatabase(this.loadConfig({databaseUrl: flags['database-url']}))
    const result = await importConversations(database.sql, {file: args.file, relativeToNow: flags['relative-to-now'], batchSize: flags['batch-size']})
    for (const reject of result.rejected) process.stderr.write(`${args.file}:${reject.line}: rejected: ${reject.reason}\n`)
    this.log(renderFields(this.terminal, [
      ['messages imported', result.messagesImported],
      ['conversations', result.conversations],
      ['already present (not added again)', result.alreadyPresent],
      ['lines rejected', result.rejectedCount],
    ]))
    const failure = importFailure(result)
    if (failure !== undefined) throw failure
    return result
  }
}
