import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderFields, renderTable, renderTime} from '../cli/render.js'
import {formatRate, QUARANTINE_WARN_RATE} from '../lib/export/quarantine-ledger.js'
import {readStatus, type LoopStatus} from '../lib/operations/status.js'
import {formatUsd} from '../lib/format.js'
import {qualifiedName} from '../lib/runtime/model-target.js'

export default class Status extends LoopftCommand {
  static summary = 'Show recent export runs, fine-tuning jobs, weekly cycles, running deployments and their cost per day, candidate models, what is served, and the cost spent this month.'
  static examples = ['<%= config.bin %> status', '<%= config.bin %> status --json']
  static flags = {'database-url': sharedFlags['database-url'], wide: sharedFlags.wide}

  async run(): Promise<LoopStatus> {
    const {flags} = await this.parse(Status)
    const config = this.loadConfig({databaseUrl: flags['database-url']})
    const {sql} = await this.openDatabase(config)
    const status = await readStatus(sql, {monthlyBudgetUsd: config.monthlyBudgetUsd})
    const usd = (value: number | null) => formatUsd(value, '')
    const day = (value: Date | string | null) => renderTime(this.terminal, value)
    const table = (empty: string) => ({empty, wide: flags.wide})
    if (status.quarantine.aboveWarnRate) {
      process.stderr.write(`loopft: warning: export quarantined ${formatRate(status.quarantine)}, above ${QUARANTINE_WARN_RATE * 100}%: review them with loopft quarantine and report the pattern\n`)
    }
    this.log([
      'Export runs',
      renderTable(this.terminal, ['id', 'status', 'window end', 'examples', 'quarantined', 'error'], status.exportRuns.map((run) => [run.id, run.status, day(run.windowEnd), run.examplesWritten, run.skipped.pii_suspected ?? 0, run.error]), table('no export runs yet')),
      `quarantined: ${formatRate(status.quarantine)}`,
      '',
      'Fine-tuning jobs',
      renderTable(this.terminal, ['job', 'status', 'base', 'examples', 'estimate', 'actual', 'model'], status.jobs.map((job) => [
        job.jobId ?? `(attempt ${job.id}, no job)`, job.status, job.baseModel, job.examples, usd(job.estimatedCostUsd), usd(job.actualCostUsd), job.fineTunedModel,
      ]), table('no fine-tuning jobs yet')),
      '',
      'Weekly cycles',
      renderTable(this.terminal, ['cycle', 'status', 'started', 'steps', 'candidate'], status.cycles.map((cycle) => [
        cycle.id, cycle.status, day(cycle.startedAt), Object.entries(cycle.steps).map(([step, state]) => `${step}:${state?.state}`).join(' '), cycle.candidate,
      ]), table('no weekly cycles yet')),
      '',
      'Deployments',
      renderTable(this.terminal, ['model', 'provider', 'status', 'cost/day', 'since'], status.deployments.map((deployment) => [
        deployment.model, deployment.provider, `${deployment.status}: ${deployment.detail}`, deployment.costPerDayUsd === null ? 'per token' : usd(deployment.costPerDayUsd), day(deployment.createdAt),
      ]), table('no deployment running')),
      '',
      'Candidates',
      renderTable(this.terminal, ['model', 'base', 'evaluation', 'created'], status.candidates.map((model) => [model.name, model.baseModel, model.evaluation?.verdict ?? 'not evaluated', day(model.createdAt)]), table('no candidate models')),
      '',
      renderFields(this.terminal, [
        ['served', status.serving.model === null ? '(default model)' : qualifiedName({model: status.serving.model, provider: status.serving.provider})],
        ['canary', status.serving.canary === null ? 'none' : `${qualifiedName(status.serving.canary)} at ${status.serving.canary.percent}%`],
        ['vision', status.serving.vision === undefined ? '(default vision model)' : qualifiedName(status.serving.vision)],
        ['spent this month', `${usd(status.cost.spentThisMonthUsd)}${status.cost.monthlyBudgetUsd === null ? '' : ` of ${usd(status.cost.monthlyBudgetUsd)}`}`],
      ]),
    ].join('\n'))
    return status
  }
}
