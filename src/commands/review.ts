import {Flags} from '@oclif/core'
import {LoopftCommand, sharedFlags} from '../cli/base-command.js'
import {renderReview} from '../cli/review-render.js'
import {reviewOnTerminal} from '../cli/review-terminal.js'
import {applyReviewDecisions, decideExample, finishReview, openReview, type ReviewResult} from '../lib/review/review.js'
import {DEFAULT_SAMPLE_SIZE, type DatasetSelector} from '../lib/review/sample.js'

export default class Review extends LoopftCommand {
  static summary = 'Approve or reject a sample of what tune will train on, one example at a time; rejected examples leave every export file for good.'
  static description = 'The dataset is the set of export runs tune collects (default: the exports whose window ended within --since, as tune does); its sample is drawn once, seeded by the dataset id, so a resumed review shows the same examples. On a terminal: a, r (with a reason), s, q; each decision is stored with LOOPFT_ACTOR and the time. Off a terminal (or with --json) it lists the sample; --decisions FILE applies decisions made elsewhere (JSON or JSONL of {sha256, decision, reason}). A rejected line is removed from every daily, master, archived and dataset file and never exported again. With LOOPFT_REQUIRE_REVIEW, tune and cycle start no job on a dataset whose sample is not reviewed whole or was rejected above LOOPFT_REVIEW_MAX_REJECTION (exit 22).'
  static examples = [
    '<%= config.bin %> review',
    '<%= config.bin %> review --run 42 --sample 20',
    '<%= config.bin %> review --json > sample.json',
    '<%= config.bin %> review --dataset ds-3fa9c1d2e4b5 --decisions decisions.jsonl',
  ]

  static flags = {
    dataset: Flags.string({description: 'a dataset reviewed before (its id, ds-…)', exclusive: ['run', 'since']}),
    run: Flags.integer({description: 'the dataset of one export run (loopft status lists them)', min: 1, exclusive: ['dataset', 'since']}),
    since: Flags.string({description: 'the dataset of the exports whose window ended within this long, as tune collects it', default: '7d'}),
    sample: Flags.integer({description: 'examples to draw when the sample is first drawn', default: DEFAULT_SAMPLE_SIZE, min: 1}),
    decisions: Flags.string({description: 'apply the decisions in this JSON or JSONL file instead of asking', helpValue: 'FILE'}),
    'database-url': sharedFlags['database-url'],
  }

  async run(): Promise<ReviewResult> {
    const {flags} = await this.parse(Review)
    const selector = this.selector(flags)
    const config = this.loadConfig({databaseUrl: flags['database-url']})
    const deps = {db: await this.openDatabase(config), actor: config.actor}
    if (flags.decisions !== undefined) {
      const applied = await applyReviewDecisions(deps, {selector, sampleSize: flags.sample, file: flags.decisions})
      this.log(renderReview(applied, this.terminal, {listExamples: false}))
      return applied
    }
    const opened = await openReview(deps, {selector, sampleSize: flags.sample})
    if (this.jsonEnabled() || !this.terminal.isInteractive) {
      this.log(renderReview(opened, this.terminal, {listExamples: true}))
      return opened
    }
    await reviewOnTerminal(opened, this.terminal, (example, decision, reason) => decideExample(deps, opened.dataset.id, {sha256: example.sha256, decision, reason}))
    const finished = await finishReview(deps, opened.dataset.id)
    this.log(`\n${renderReview(finished, this.terminal, {listExamples: false})}`)
    return finished
  }

  private selector(flags: {dataset?: string; run?: number; since: string}): DatasetSelector {
    if (flags.dataset !== undefined) return {datasetId: flags.dataset}
    if (flags.run !== undefined) return {runId: flags.run}
    return {sinceMs: this.duration('since', flags.since), now: new Date()}
  }
}
