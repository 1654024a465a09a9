import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderFields, renderTable} from '../cli/render.js'
import {formatRate, QUARANTINE_WARN_RATE} from '../lib/export/quarantine-ledger.js'
import {readStatus, type LoopStatus} from '../lib/operations/status.js'
import {formatRelativeTime, formatUsd} from '../lib/format.js'

export default class Status extends LoopftCommand {
  static summary = 'Show recent export runs, fine-tuning jobs, weekly cycles, running deployments and their cost per day, candidate models, what is served, and the cost spent this month.'
  static examples = ['<%= config.bin %> status', '<%= config.bin %> status --json']
  static flags = {'database-url': sharedFlags['database-url']}

  async run(): Promise<LoopStatus> {
    const {flags} = await this.parse(Status)
    const config = this.loadConfig({databaseUrl: flags['database-url']})
    const {sql} = await this.openDatabase(config)
    const status = await readStatus(sql, {monthlyBudgetUsd: config.monthlyBudgetUsd})
    const usd = (value: number | null) => formatUsd(value, '')
    // A person reads "3 days ago"; a pipe keeps the exact time.
    const day = (value: Date | string | null) => (value === null ? '' : this.terminal.isStdoutTty ? formatRelativeTime(value) : new Date(value).toISOString().slice(0, 16).replace('T', ' '))
    if (status.quarantine.aboveWarnRate) {
      process.stderr.write(`loopft: warning: export quarantined ${formatRate(status.quarantine)}, above ${QUARANTINE_WARN_RATE * 100}%: review them with loopft quarantine and report the pattern\n`)
    }
    this.log([
      'Export runs',
      renderTable(this.terminal, ['id', 'status', 'window end', 'examples', 'quarantined', 'error'], status.exportRuns.map((run) => [run.id, run.status, day(run.windowEnd), run.examplesWritten, run.skipped.pii_suspected ?? 0, run.error])),
      `quarantined: ${formatRate(status.quarantine)}`,
      '',
      'Fine-tuning jobs',
      renderTable(this.terminal, ['job', 'status', 'base', 'examples', 'estimate', 'actual', 'model'], status.jobs.map((job) => [
        job.jobId ?? `(attempt ${job.id}, no job)`, job.status, job.baseModel, job.examples, usd(job.estimatedCostUsd), usd(job.actualCostUsd), job.fineTunedModel,
      ])),
      '',
      'Weekly cycles',
      renderTable(this.terminal, ['cycle', 'status', 'started', 'steps', 'candidate'], status.cycles.map((cycle) => [
        cycle.id, cycle.status, day(cycle.startedAt), Object.entries(cycle.steps).map(([step, state]) => `${step}:${state?.state}`).join(' '), cycle.candidate,
      ])),
      '',
      'Deployments',
      renderTable(this.terminal, ['model', 'provider', 'status', 'cost/day', 'since'], status.deployments.map((deployment) => [
        deployment.model, deployment.provider, `${deployment.status}: ${deployment.detail}`, deployment.costPerDayUsd === null ? 'per token' : usd(deployment.costPerDayUsd), day(deployment.createdAt),
      ])),
      '',
      'Candidates',
      renderTable(this.terminal, ['model', 'base', 'evaluation', 'created'], status.candidates.map((model) => [model.name, model.baseModel, model.evaluation?.verdict ?? 'not evaluated', day(model.createdAt)])),
      '',
      renderFields(this.terminal, [
        ['served', status.serving.model ?? '(default model)'],
        ['canary', status.serving.canary === null ? 'none' : `${status.serving.canary.model} at ${status.serving.canary.percent}%`],
        ['spent this month', `${usd(status.cost.spentThisMonthUsd)}${status.cost.monthlyBudgetUsd === null ? '' : ` of ${usd(status.cost.monthlyBudgetUsd)}`}`],
      ]),
    ].join('\n'))
    return status
  }
}
