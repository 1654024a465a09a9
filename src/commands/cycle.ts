import {Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {startCycleProgress, type CycleProgressView} from '../cli/cycle-progress.js'
import {renderChecks, renderFields, renderTable, renderTime} from '../cli/render.js'
import type {Terminal} from '../cli/terminal.js'
import {cycleFailure, describeOutcome, runCycle, type CycleProgress, type CycleSummary} from '../lib/operations/cycle.js'
import {cycleSteps} from '../lib/operations/cycle-steps.js'
import {formatElapsed} from '../lib/format.js'

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
    const openai = config.openaiApiKey === undefined ? undefined : await this.openai(config)
    let view: CycleProgressView | undefined
    const onProgress = (progress: CycleProgress) => view?.show(progress)
    const steps = cycleSteps({db, provider: await this.trainingProvider(config), openai, config, loopftVersion: this.config.version, sinceMs, watch, onProgress})
    const deps = {db, steps, autoPromote: config.autoPromote, sinceMs, onProgress}
    if (!flags['dry-run'] && !flags.yes) {
      // The spinner stops before the question: a question under a running spinner looks hung.
      const checking = this.progress('checking what this cycle would do')
      const preview = await runCycle(deps, {dryRun: true}).finally(() => checking.stop())
      this.log(render(preview, this.terminal, flags.wide))
      if (!(await this.confirm('Run this cycle? It may start a paid fine-tuning job.', false))) return preview
    }
    const started = Date.now()
    view = startCycleProgress(this.terminal, {quiet: this.jsonEnabled()})
    const summary = await runCycle(deps, {dryRun: flags['dry-run']}).catch((error) => {
      view?.stop()
      throw error
    })
    const name = summary.cycleId === null ? 'cycle (dry run)' : `cycle #${summary.cycleId}`
    view.finish(`${name} ${summary.outcome} after ${formatElapsed(Date.now() - started)}: ${describeOutcome(summary)}`, summary.error === null)
    this.log(render(summary, this.terminal, flags.wide))
    const failure = cycleFailure(summary)
    if (failure !== undefined) throw failure
    return summary
  }
}

function render(summary: CycleSummary, terminal: Terminal, wide: boolean): string {
  const head = renderFields(terminal, [
    ['cycle', summary.cycleId === null ? '(dry run)' : `#${summary.cycleId}${summary.resumed ? ' (resumed)' : ''}`],
    ['outcome', summary.outcome],
    ['job', summary.jobId],
    ['candidate', summary.candidate],
  ])
  const steps = renderTable(terminal, ['step', 'state', 'when', 'detail'], Object.entries(summary.steps).map(([name, step]) => [name, step.state, renderTime(terminal, step.at), step.detail]), {empty: 'no steps', wide})
  return [head, ...(summary.checks.length === 0 ? [] : [renderChecks(terminal, summary.checks, {wide})]), steps].join('\n')
}
