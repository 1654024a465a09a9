import {Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderMonthlyReportSummary} from '../cli/report-render.js'
import {reportMonth, type MonthlyReport} from '../lib/report/index.js'

export default class Report extends LoopftCommand {
  static summary = 'The monthly report: serving (requests, fine-tuned and canary share, fallbacks, errors, latency, tokens), cost against the default and vision models, quality, data and privacy, changes.'
  static description = `Serving figures come from the requests the router recorded (createRouter's recorder option), everything else from loopft's ledgers. A source with nothing for the month says so instead of showing zeros.
--out writes a self-contained HTML page with charts: a path ending .html is the file, anything else a directory that gets loopft-report-YYYY-MM.html.`
  static examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --month 2026-11 --out report.html',
    '<%= config.bin %> report --out "$LOOPFT_HOME/reports/" --json',
  ]
  static flags = {
    month: Flags.string({description: 'the UTC month to report (default: the last full month)', helpValue: 'YYYY-MM'}),
    out: Flags.string({description: 'also write the HTML page: a FILE.html, or a directory (loopft-report-YYYY-MM.html inside)', helpValue: 'FILE.html|DIR'}),
    'database-url': sharedFlags['database-url'],
    wide: sharedFlags.wide,
  }

  async run(): Promise<MonthlyReport> {
    const {flags} = await this.parse(Report)
    const config = this.loadConfig({databaseUrl: flags['database-url']})
    const {sql} = await this.openDatabase(config)
    const report = await reportMonth({sql, config}, {month: flags.month, out: flags.out})
    this.log(renderMonthlyReportSummary(this.terminal, report, {wide: flags.wide}))
    return report
  }
}
