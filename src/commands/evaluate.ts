import {Flags} from '@oclif/core'
import {settingFlag} from '../cli/setting-flag.js'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {progressText, renderEvaluation} from '../cli/evaluation-render.js'
import {LoopftError} from '../lib/errors.js'
import {METRICS} from '../lib/evaluation/gate.js'
import {EVALUATION_DEFAULTS, evaluateCandidate, gateFailure, type EvaluationResult} from '../lib/evaluation/evaluate.js'

const fraction = Flags.custom<number>({
  parse: async (input, _context, options) => {
    const value = Number(input)
    if (input.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new LoopftError('USAGE', `--${options.name}: expected a number from 0 to 1, got "${input}"`, {suggestion: 'see: loopft evaluate --help'})
    }
    return value
  },
})

export default class Evaluate extends LoopftCommand {
  static summary = 'Compare a candidate model with the baseline on the gold set; exit 0 when it passes the gate, 11 when it does not.'
  static description = `Both models answer every gold item (temperature 0, a fixed seed; answers cached in Postgres, so a re-run costs nothing and an interrupted run resumes), a judge model compares the answers pairwise in both orders, and the gate decides:
the primary metric must improve by at least --min-improvement, its paired bootstrap 95% interval must lie above zero, and no other metric may fall by more than --tolerance.
Differences are on a 0–1 scale (BLEU/100; for the judge, win rate − 0.5). The verdict is stored against the candidate; promote requires a pass.`
  static examples = [
    '<%= config.bin %> evaluate --candidate ft:gpt-4o-mini-2024-07-18:acme:loopft:abc123',
    '<%= config.bin %> evaluate --candidate ft:gpt-4o-mini-2024-07-18:acme:loopft:abc123 --baseline gpt-4o-mini --report eval.html --json',
  ]
  static flags = {
    candidate: Flags.string({description: 'the model to evaluate', required: true}),
    baseline: Flags.string({description: '"promoted" (the model being served) or a model name', default: 'promoted'}),
    gold: settingFlag('goldFile', 'gold set JSONL'),
    concurrency: Flags.integer({description: 'API calls in flight at once', default: EVALUATION_DEFAULTS.concurrency, min: 1, max: 64}),
    judge: settingFlag('judgeModel', 'judge model'),
    'min-improvement': fraction({description: 'smallest improvement of the primary metric that passes, 0–1 (default: $LOOPFT_GATE_MIN_IMPROVEMENT, else 0.02)'}),
    'primary-metric': Flags.string({description: 'metric the gate improves on (default: $LOOPFT_GATE_PRIMARY_METRIC, else judge)', options: [...METRICS]}),
    tolerance: fraction({description: 'largest fall allowed on the other metrics, 0–1 (default: $LOOPFT_GATE_TOLERANCE, else 0.02)'}),
    report: Flags.string({description: 'also write a self-contained HTML report to this file', helpValue: 'FILE.html'}),
    'database-url': sharedFlags['database-url'],
    wide: sharedFlags.wide,
  }

  async run(): Promise<EvaluationResult> {
    const {flags} = await this.parse(Evaluate)
    const config = this.loadConfig({
      databaseUrl: flags['database-url'], goldFile: flags.gold, judgeModel: flags.judge,
      gatePrimaryMetric: flags['primary-metric'], gateMinImprovement: flags['min-improvement'], gateTolerance: flags.tolerance,
    })
    const {sql} = await this.openDatabase(config)
    const progress = this.progress('evaluating')
    const {evaluationClients} = await import('../lib/evaluation/clients.js')
    const result = await evaluateCandidate({sql, openai: config.openaiApiKey === undefined ? undefined : await this.openai(config), clients: evaluationClients(sql, config), config, onProgress: ({done, total}) => progress.update(progressText(done, total))}, {
      candidate: flags.candidate,
      baseline: flags.baseline,
      concurrency: flags.concurrency,
      reportFile: flags.report,
    }).catch((error: unknown) => {
      this.stopProgress(progress, error, 'evaluation stopped; answers so far are cached, run it again to resume')
      throw error
    })
    const verdictLine = `evaluation #${result.evaluationId}: ${result.verdict === 'pass' ? 'passed the gate' : 'failed the gate'}`
    if (result.verdict === 'pass') progress.succeed(verdictLine)
    else progress.fail(verdictLine)
    for (const warning of result.warnings) progress.note(`warning: ${warning}`)
    this.log(renderEvaluation(this.terminal, result, {wide: flags.wide}))
    const failure = gateFailure(result)
    if (failure !== undefined) throw failure
    return result
  }
}
