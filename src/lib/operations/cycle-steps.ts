import type OpenAI from 'openai'
import {loadCatalogOverrides} from '../training/model-catalog.js'
import type {LoopftConfig} from '../config.js'
import type {CycleSteps} from './cycle.js'
import type {Database} from '../db/connection.js'
import {evaluationClients} from '../evaluation/clients.js'
import {evaluateCandidate} from '../evaluation/evaluate.js'
import {stopDeploymentsOf} from '../serving/deploy.js'
import {promoteModel} from '../serving/promote.js'
import type {TrainingProvider} from '../training/provider.js'
import {createChatClient} from '../training/providers.js'
import {startFineTune} from '../training/tune.js'
import {watchFineTuneJob} from '../training/watch.js'
import {checkBeforeSpending} from './preflight.js'

export interface CycleStepsInput {
  db: Database
  provider: TrainingProvider
  openai: OpenAI
  config: LoopftConfig
  loopftVersion: string
  sinceMs: number
  watch: {intervalMs: number; timeoutMs: number}
  onProgress?: (line: string) => void
}

/** The real steps: tune on the last `sinceMs` of exports, watch-job, evaluate against the promoted model, promote. */
export function cycleSteps(input: CycleStepsInput): CycleSteps {
  const {db, config} = input
  const catalog = loadCatalogOverrides(config.pricesFile)
  return {
    preflight: () => checkBeforeSpending({openai: input.openai, provider: input.provider, config}),
    async tune({dryRun}) {
      const result = await startFineTune({db, provider: input.provider, catalog, onProgress: input.onProgress}, {
        sinceMs: input.sinceMs, baseModel: config.baseModel, epochs: 1, monthlyBudgetUsd: config.monthlyBudgetUsd,
        dryRun, force: false, outDir: config.outDir, loopftVersion: input.loopftVersion,
      })
      for (const warning of result.warnings) input.onProgress?.(`warning: ${warning}`)
      return {outcome: result.outcome, reason: result.reason, jobId: result.record?.jobId ?? null, examples: result.dataset.examples, estimatedCostUsd: result.estimatedCostUsd}
    },
    async watch(jobId) {
      const result = await watchFineTuneJob({sql: db.sql, provider: input.provider, catalog}, {jobId, ...input.watch, stuckAfterMs: config.stuckAfterMs})
      return {model: result.fineTunedModel}
    },
    async evaluate(candidate) {
      const result = await evaluateCandidate({sql: db.sql, openai: input.openai, clients: evaluationClients(db.sql, config), config}, {candidate})
      // A candidate that failed the gate will not serve: stop what it costs by the minute.
      if (result.verdict === 'fail') await stopDeploymentsOf({sql: db.sql, provider: input.provider}, candidate)
      return {evaluationId: result.evaluationId, verdict: result.verdict, baseline: result.baseline, difference: result.gate.difference}
    },
    async promote(candidate, reason) {
      const change = await promoteModel({sql: db.sql, openai: input.openai, clientFor: (provider) => createChatClient(config, provider), textModel: config.textModel.model, catalog}, {model: candidate, reason, actor: config.actor})
      return {message: change.message}
    },
  }
}
