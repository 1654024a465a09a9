import {Flags} from '@oclif/core'
import bytes from 'bytes'
import {settingFlag} from '../cli/setting-flag.js'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderFields} from '../cli/render.js'
import {runConfiguredExport} from '../lib/export/daily.js'
import type {ExportResult} from '../lib/export/index.js'

export default class Export extends LoopftCommand {
  static summary = 'Export a window of conversations as redacted OpenAI fine-tuning JSONL (daily file + de-duplicated master).'
  static description = 'An example in which the verify pass still finds possible PII after redaction is left out of the files, counted (skipped.pii_suspected) and kept for review (loopft quarantine); the run exits 0 with a warning. With --strict (or LOOPFT_VERIFY=strict) any find fails the run instead: exit 13, nothing published.'
  static examples = [
    '<%= config.bin %> export --since 24h',
    '<%= config.bin %> export --since last --json',
    '<%= config.bin %> export --since 24h --strict',
    '<%= config.bin %> export --since 2026-11-01T00:00:00Z --until 2026-11-02T00:00:00Z --out ./exports',
  ]

  static flags = {
    since: Flags.string({description: 'a duration before --until (24h, 7d), a time, or "last" (where the last successful run stopped)', default: '24h'}),
    until: Flags.string({description: 'end of the window (ISO time); default now'}),
    out: settingFlag('outDir', 'output directory'),
    'max-bytes': settingFlag('maxBytes', 'size limit of each file; the master starts a new numbered part past it'),
    'system-prompt': settingFlag('systemPrompt', 'system message to put first in every example'),
    strict: Flags.boolean({description: 'fail the run (exit 13, nothing published) when verify finds anything, instead of quarantining those examples; default from LOOPFT_VERIFY', allowNo: true}),
    'database-url': sharedFlags['database-url'],
  }

  async run(): Promise<ExportResult> {
    const {flags} = await this.parse(Export)
    const config = this.loadConfig({databaseUrl: flags['database-url'], outDir: flags.out, maxBytes: flags['max-bytes'], systemPrompt: flags['system-prompt'], verify: flags.strict === undefined ? undefined : flags.strict ? 'strict' : 'quarantine'})
    const database = await this.openDatabase(config)
    const progress = this.progress('exporting conversations')
    try {
      const result = await runConfiguredExport(database, config, {
        since: flags.since,
        until: flags.until,
        onProgress: (p) => progress.update(`exporting: ${p.messagesRead} messages, ${p.conversations} conversations, ${p.examples} examples`),
      })
      progress.succeed(`exported ${result.examplesWritten} examples from ${result.messagesRead} messages`)
      for (const warning of result.warnings) process.stderr.write(`loopft: warning: ${warning}\n`)
      this.log(renderExport(this.terminal, result))
      return result
    } catch (error) {
      this.stopProgress(progress, error, 'export failed')
      throw error
    }
  }
}

function renderExport(terminal: LoopftCommand['terminal'], result: ExportResult): string {
  const counts = (record: Record<string, number>) => Object.entries(record).map(([key, value]) => `${key} ${value}`).join(', ') || 'none'
  return renderFields(terminal, [
    ['run', result.id],
    ['window', `${result.window.start} → ${result.window.end}`],
    ['messages', result.messagesRead],
    ['conversations', result.conversations],
    ['examples written', result.examplesWritten],
    ['duplicates skipped', result.examplesDuplicate],
    ['daily file', result.dailyFiles.join(', ') || '(no examples in window)'],
    ['daily size', bytes.format(result.dailyBytes)],
    ['master files', result.masterFiles.join(', ') || '(unchanged)'],
    ['redactions', counts(result.redactions)],
    ['skipped', counts(result.skipped)],
    ['quarantined', result.quarantine.examples === 0 ? 'none' : `${result.quarantine.examples} example(s): ${counts(result.quarantine.findings)} (loopft quarantine --run ${result.id})`],
  ])
}
