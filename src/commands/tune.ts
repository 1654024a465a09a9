import {Flags} from '@oclif/core'
import {settingFlag} from '../cli/setting-flag.js'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderChecks, renderFields} from '../cli/render.js'
import type {Terminal} from '../cli/terminal.js'
import {loadCatalogOverrides} from '../lib/training/model-catalog.js'
import {isLoopftError, LoopftError} from '../lib/errors.js'
import {checkBeforeTraining, type PreflightCheck} from '../lib/operations/preflight.js'
import {startFineTune, type TuneResult} from '../lib/training/tune.js'
import {formatUsd} from '../lib/format.js'

export default class Tune extends LoopftCommand {
  static summary = 'Start a fine-tuning job on the recent exports (or a file): validated, priced, within budget, never twice for one dataset.'
  static description = 'Before it uploads anything it checks the budget, that the provider answers this key and fine-tunes the base model, and (a warning only) the gold set evaluate will read; --dry-run shows these checks and spends nothing. Builds the dataset (the daily files of the exports whose window ended within --since, de-duplicated) or takes --file, validates it, counts its training tokens and prices them from the catalog. Refuses (exit 8) above --max-cost or LOOPFT_MONTHLY_BUDGET, (exit 22) with LOOPFT_REQUIRE_REVIEW unless loopft review passed the sample of the dataset, and (exit 14) once the provider takes no new jobs for the base; warns when the fine-tune would be shut down within 60 days (catalog retirements). The same dataset on the same base is not trained twice unless --force; an interrupted run resumes with the files it uploaded. Follow the job with: loopft watch-job --latest.'
  static examples = [
    '<%= config.bin %> tune --since 7d --max-cost 5',
    '<%= config.bin %> tune --file exports/datasets/train.jsonl --base gpt-4.1-mini-2025-04-14 --epochs 2 --dry-run',
    '<%= config.bin %> tune --validation-split 0.1 --suffix support --json',
  ]

  static flags = {
    file: Flags.string({description: 'train on this JSONL file instead of the exports', exclusive: ['since']}),
    since: Flags.string({description: 'train on the exports whose window ended within this long (e.g. 7d)', default: '7d'}),
    base: settingFlag('baseModel', 'base model to fine-tune'),
    epochs: Flags.integer({description: 'training epochs (set explicitly; the API default is "auto")', default: 1, min: 1, max: 50}),
    suffix: Flags.string({description: 'name put into the model name, followed by the date (loopft-YYYYMMDD by default)'}),
    'max-cost': Flags.string({description: 'refuse when the estimated cost in USD exceeds this', helpValue: 'USD'}),
    'validation-split': Flags.string({description: 'hold out this share of the examples as a validation file (e.g. 0.1)', helpValue: 'SHARE'}),
    force: Flags.boolean({description: 'train again even if this dataset was already trained on this base', default: false}),
    'dry-run': sharedFlags['dry-run'],
    'database-url': sharedFlags['database-url'],
    provider: sharedFlags.provider,
    wide: sharedFlags.wide,
  }

  async run(): Promise<TuneResult> {
    const {flags} = await this.parse(Tune)
    const maxCostUsd = parseNumber(flags['max-cost'], '--max-cost', (value) => value >= 0)
    const validationSplit = parseNumber(flags['validation-split'], '--validation-split', (value) => value > 0 && value < 0.5)
    const sinceMs = flags.file === undefined ? this.duration('since', flags.since) : undefined
    const config = this.loadConfig({databaseUrl: flags['database-url'], provider: flags.provider, baseModel: flags.base})
    const db = await this.openDatabase(config)
    const provider = await this.trainingProvider(config)
    const progress = this.progress('preparing the fine-tune')
    try {
      const result = await startFineTune(
        {db, provider, catalog: loadCatalogOverrides(config.pricesFile), onProgress: (text) => progress.update(text), preflight: () => checkBeforeTraining({provider, config})},
        {
          file: flags.file, sinceMs, baseModel: config.baseModel, epochs: flags.epochs, suffix: flags.suffix, maxCostUsd, validationSplit,
          monthlyBudgetUsd: config.monthlyBudgetUsd, dryRun: flags['dry-run'], force: flags.force, outDir: config.outDir, loopftVersion: this.config.version,
          review: {required: config.requireReview, maxRejectionRate: config.reviewMaxRejection},
        },
      )
      progress.succeed(result.outcome === 'created' || result.outcome === 'reconciled' ? `job ${result.record?.jobId} started` : undefined)
      for (const warning of result.warnings) progress.note(`warning: ${warning}`)
      this.log(render(this.terminal, result))
      if (result.checks.length > 0) this.log(renderChecks(this.terminal, result.checks, {wide: flags.wide}))
      return result
    } catch (error) {
      this.stopProgress(progress, error, 'tune stopped')
      // A refusal before spending shows every check, not only the one that failed.
      const checks = isLoopftError(error) ? (error.result as {checks?: PreflightCheck[]} | undefined)?.checks : undefined
      if (checks !== undefined && !this.jsonEnabled()) this.log(renderChecks(this.terminal, checks, {wide: flags.wide}))
      throw error
    }
  }
}

function parseNumber(text: string | undefined, flag: string, isValid: (value: number) => boolean): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || !isValid(value)) throw new LoopftError('USAGE', `${flag}: not a valid value: "${text}"`, {suggestion: 'see: loopft tune --help'})
  return value
}

function render(terminal: Terminal, result: TuneResult): string {
  const next = result.record?.jobId ? `loopft watch-job ${result.record.jobId}` : result.outcome === 'dry-run' ? 'run again without --dry-run' : null
  return renderFields(terminal, [
    ['outcome', result.reason === null ? result.outcome : `${result.outcome}: ${result.reason}`],
    ['job', result.record?.jobId ?? null],
    ['base', `${result.baseModel} (${result.provider})`],
    ['suffix', result.suffix],
    ['dataset', `${result.dataset.path} (sha256 ${result.dataset.sha256.slice(0, 12)}…)`],
    ['examples', result.dataset.validationExamples > 0 ? `${result.dataset.examples} training, ${result.dataset.validationExamples} validation` : result.dataset.examples],
    ['training tokens', `${result.trainingTokens} (${result.epochs} epoch(s))`],
    ['estimated cost', formatUsd(result.estimatedCostUsd)],
    ['spent this month', `${formatUsd(result.budget.spentThisMonthUsd)}${result.budget.monthlyBudgetUsd === null ? ' (no LOOPFT_MONTHLY_BUDGET)' : ` of ${formatUsd(result.budget.monthlyBudgetUsd)}`}`],
    ['next', next],
  ])
}
