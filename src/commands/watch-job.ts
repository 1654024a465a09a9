import {Args, Flags} from '@oclif/core'
import {settingFlag} from '../cli/setting-flag.js'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderFields} from '../cli/render.js'
import {loadCatalogOverrides} from '../lib/training/model-catalog.js'
import {LoopftError} from '../lib/errors.js'
import {watchFineTuneJob, type WatchResult, type WatchUpdate} from '../lib/training/watch.js'
import {formatUsd} from '../lib/format.js'

export default class WatchJob extends LoopftCommand {
  static summary = 'Follow a fine-tuning job to its end; on success deploy it where the provider needs that, and register it as a candidate once it answers.'
  static description = 'Prints each job event once (also across restarts), warns when the job sits in one status past --stuck-after, and rides out API errors. Exits 9 when the job failed, 10 when it was cancelled, 17 when --timeout passes first, 130 on Ctrl-C (the job keeps running; run watch-job again to resume).'
  static examples = ['<%= config.bin %> watch-job --latest', '<%= config.bin %> watch-job ftjob-abc123 --interval 1m --timeout 12h --json']
  static args = {jobId: Args.string({description: 'the job to watch (ftjob-…)', required: false})}
  static flags = {
    latest: Flags.boolean({description: 'watch the job tune started last', default: false}),
    interval: Flags.string({description: 'time between polls', default: '30s'}),
    timeout: Flags.string({description: 'stop watching (exit 17, job untouched) after this long', default: '6h'}),
    'stuck-after': settingFlag('stuckAfterMs', 'warn when the job sits in one status this long'),
    'database-url': sharedFlags['database-url'],
    provider: sharedFlags.provider,
  }

  async run(): Promise<WatchResult> {
    const {args, flags} = await this.parse(WatchJob)
    if ((args.jobId === undefined) === !flags.latest) throw new LoopftError('USAGE', 'give either a JOB_ID or --latest', {suggestion: 'see: loopft watch-job --help'})
    const config = this.loadConfig({databaseUrl: flags['database-url'], provider: flags.provider, stuckAfterMs: flags['stuck-after'] === undefined ? undefined : this.duration('stuck-after', flags['stuck-after'])})
    const options = {jobId: args.jobId, intervalMs: this.duration('interval', flags.interval), timeoutMs: this.duration('timeout', flags.timeout), stuckAfterMs: config.stuckAfterMs}
    const {sql} = await this.openDatabase(config)
    const progress = this.progress(`watching ${args.jobId ?? 'the latest job'}`)
    const controller = new AbortController()
    const abort = () => controller.abort()
    process.once('SIGINT', abort)
    try {
      const result = await watchFineTuneJob(
        {sql, provider: await this.trainingProvider(config), catalog: loadCatalogOverrides(config.pricesFile), onUpdate: (update) => show(update, progress)},
        {...options, signal: controller.signal},
      )
      progress.succeed(`job ${result.jobId} succeeded`)
      this.log(renderFields(this.terminal, [
        ['job', result.jobId],
        ['model', `${result.fineTunedModel} (registered as a candidate)`],
        ['deployment', result.deployment.kind === 'none' ? null : `${result.deployment.detail}${result.deployment.costPerDayUsd === null ? '' : `, $${result.deployment.costPerDayUsd.toFixed(2)}/day while it runs`}`],
        ['trained tokens', result.trainedTokens],
        ['actual cost', formatUsd(result.actualCostUsd)],
        ['step metrics', result.metrics.last === null ? 'none' : `${result.metrics.steps} steps; last: ${Object.entries(result.metrics.last).map(([key, value]) => `${key}=${value}`).join(' ')}`],
        ['next', `loopft evaluate --candidate ${result.fineTunedModel}`],
      ]))
      return result
    } catch (error) {
      progress.fail()
      throw error
    } finally {
      process.off('SIGINT', abort)
    }
  }
}

function show(update: WatchUpdate, progress: ReturnType<LoopftCommand['progress']>): void {
  if (update.type === 'event') progress.note(`${update.event.createdAt.toISOString()} ${update.event.level.padEnd(5)} ${update.event.message}`)
  else if (update.type === 'status') progress.update(`${update.jobId}: ${update.status} (${Math.round(update.elapsedMs / 60_000)} min since created)`)
  else if (update.type === 'stuck') progress.note(`warning: ${update.jobId} has been ${update.status} for ${Math.round(update.forMs / 60_000)} min`)
  else if (update.type === 'deploying') progress.update(`${update.jobId}: deploying ${update.deployment.model}: ${update.deployment.status} (${update.deployment.detail})`)
  else progress.note(`API trouble, retrying in ${Math.round(update.delayMs / 1000)} s: ${update.message}`)
}
