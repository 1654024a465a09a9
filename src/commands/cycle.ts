import {Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderFields, renderTable} from '../cli/render.js'
import type {Terminal} from '../cli/terminal.js'
import {cycleFailure, runCycle, type CycleSummary} from '../lib/operations/cycle.js'
import {cycleSteps} from '../lib/operations/cycle-steps.js'

export default class Cycle extends LoopftCommand {
  static summary = 'The weekly loop as one command: tune on new exports → watch the job → evaluate → promote on a passing gate.'
  static description = 'Each step is skipped cleanly when there is nothing to do (no new export, budget reached). Promotes only a candidate that passed the evaluation gate, and only with --auto-promote (LOOPFT_AUTO_PROMOTE); otherwise it leaves it for `loopft promote`. Locked against overlap (exit 6); a run after a crash or timeout resumes the unfinished cycle at its first unfinished step (exit 17 while the job still trains).'
  static examples = ['<%= config.bin %> cycle --dry-run', '<%= config.bin %> cycle --yes --json', '<%= config.bin %> cycle --yes --auto-promote']
  static flags = {
    'auto-promote': Flags.boolean({description: 'promote a candidate that passes the gate (default: LOOPFT_AUTO_PROMOTE)', allowNo: true}),
    since: Flags.string({description: 'train on the exports whose window ended within this long', default: '7d'}),
    'watch-timeout': Flags.string({description: 'stop watching the job after this long (the next cycle resumes it)', default: '6h'}),
    interval: Flags.string({description: 'how often to poll the job', default: '30s'}),
    ...sharedFlags,
  }

  async run(): Promise<CycleSummary> {
    const {flags} = await this.parse(Cycle)
    const sinceMs = this.duration('since', flags.since)
    const watch = {intervalMs: this.duration('interval', flags.interval), timeoutMs: this.duration('watch-timeout', flags['watch-timeout'])}
    const config = this.loadConfig({databaseUrl: flags['database-url'], provider: flags.provider, autoPromote: flags['auto-promote']})
    const db = await this.openDatabase(config)
    const openai = await this.openai(config)
    // The spinner starts only after any prompt: a question under a running spinner looks hung.
    let progress = this.progress('checking what this cycle would do')
    const steps = cycleSteps({db, provider: await this.trainingProvider(config), openai, config, loopftVersion: this.config.version, sinceMs, watch, onProgress: (line) => progress.update(line)})
    const deps = {db, steps, autoPromote: config.autoPromote, sinceMs, onProgress: (line: string) => progress.note(line)}
    if (!flags['dry-run'] && !flags.yes) {
      const preview = await runCycle(deps, {dryRun: true})
      progress.stop()
      this.log(render(preview, this.terminal))
      if (!(await this.confirm('Run this cycle? It may start a paid fine-tuning job.', false))) return preview
      progress = this.progress('cycle')
    }
    const summary = await runCycle(deps, {dryRun: flags['dry-run']}).catch((error) => {
      this.stopProgress(progress, error, 'cycle stopped')
      throw error
    })
    const ending = `cycle${summary.cycleId === null ? ' (dry run)' : ` #${summary.cycleId}`}: ${summary.outcome}`
    if (summary.error === null) progress.succeed(ending)
    else progress.fail(`${ending} (${summary.error.code})`)
    this.log(render(summary, this.terminal))
    const failure = cycleFailure(summary)
    if (failure !== undefined) throw failure
    return summary
  }
}

function render(summary: CycleSummary, terminal: Terminal): string {
  const head = renderFields(terminal, [
    ['cycle', summary.cycleId === null ? '(dry run)' : `#${summary.cycleId}${summary.resumed ? ' (resumed)' : ''}`],
    ['outcome', summary.outcome],
    ['job', summary.jobId],
    ['candidate', summary.candidate],
  ])
  const steps = renderTable(terminal, ['step', 'state', 'detail'], Object.entries(summary.steps).map(([name, step]) => [name, step.state, step.detail]))
  if (summary.checks.length === 0) return `${head}\n${steps}`
  const checks = renderTable(terminal, ['check before spending', 'result', 'detail'], summary.checks.map((check) => [check.name, check.passed ? 'ok' : 'FAIL', check.detail]))
  return `${head}\n${checks}\n${steps}`
}
