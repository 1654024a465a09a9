import {Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderQuarantine} from '../cli/quarantine-render.js'
import {reviewQuarantine, type QuarantineReview} from '../lib/export/quarantine-ledger.js'

export default class Quarantine extends LoopftCommand {
  static summary = 'Show the examples export left out because the verify pass still found possible PII, redacted, with the finds marked.'
  static description = 'Each find is shown as ⟦TYPE 99-aaa⟧: its shape (digits 9, letters a/A/x, separators kept), never its value, so the pattern can be reported. Default: the latest run that quarantined anything.'
  static examples = ['<%= config.bin %> quarantine', '<%= config.bin %> quarantine --run 42 --json']
  static flags = {
    run: Flags.integer({description: 'the export run (loopft status lists them)', min: 1}),
    limit: Flags.integer({description: 'show at most this many examples', default: 50, min: 1}),
    'database-url': sharedFlags['database-url'],
  }

  async run(): Promise<QuarantineReview> {
    const {flags} = await this.parse(Quarantine)
    const config = this.loadConfig({databaseUrl: flags['database-url']})
    const {sql} = await this.openDatabase(config)
    const review = await reviewQuarantine(sql, {runId: flags.run, limit: flags.limit})
    this.log(renderQuarantine(review, this.terminal))
    return review
  }
}
