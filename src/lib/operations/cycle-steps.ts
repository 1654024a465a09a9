import type OpenAI from 'openai'
import {loadCatalogOverrides} from '../training/model-catalog.js'
import type {LoopftConfig} from '../config.js'
import type {CycleProgress, CycleSteps} from './cycle.js'
import type {Database} from '../db/connection.js'
import {evaluationClients} from '../evaluation/clients.js'
import {evaluateCandidate} from '../evaluation/evaluate.js'
import {stopDeploymentsOf} from '../serving/deploy.js'
import {promoteModel} from '../serving/promote.js'
import type {TrainingProvider} from '../training/provider.js'
import {createChatClient} from '../training/providers.js'
import {startFineTune} from '../training/tune.js'
import {watchFineTuneJob, type WatchUpdate} from '../training/watch.js'
import {checkBeforeSpending} from './preflight.js'

export interface CycleStepsInput {
  db: Database
  provider: TrainingProvider
  /** OpenAI's chat client, when OPENAI_API_KEY is set; a cycle on another provider may need none. */
  openai?: OpenAI
  config: LoopftConfig
  loopftVersion: string
  sinceMs: number
  watch: {intervalMs: number; timeoutMs: number}
  onProgress?: (progress: CycleProgress) => void
}

/** The real steps: tune on the last `sinceMs` of exports, watch-job, evaluate against the promoted model, promote. */
export function cycleSteps(input: CycleStepsInput): CycleSteps {
  const {db, config} = input
  const catalog = loadCatalogOverrides(config.pricesFile)
  return {
    preflight: () => checkBeforeSpending({openai: input.openai, provider: input.provider, sql: db.sql, config}),
    async tune({dryRun}) {
      const result = await startFineTune({db, provider: input.provider, catalog, onProgress: (text) => input.onProgress?.({type: 'line', step: 'tune', text})}, {
        sinceMs: input.sinceMs, baseModel: config.baseModel, epochs: 1, monthlyBudgetUsd: config.monthlyBudgetUsd,
        dryRun, force: false, outDir: config.outDir, loopftVersion: input.loopftVersion,
        review: {required: config.requireReview, maxRejectionRate: config.reviewMaxRejection},
      })
      for (const warning of result.warnings) input.onProgress?.({type: 'line', step: 'tune', text: `warning: ${warning}`})
      return {outcome: result.outcome, reason: result.reason, jobId: result.record?.jobId ?? null, examples: result.dataset.examples, estimatedCostUsd: result.estimatedCostUsd}
    },
    async watch(jobId) {
      const onUpdate = (update: WatchUpdate) => input.onProgress?.(watchProgress(update))
      const result = await watchFineTuneJob({sql: db.sql, provider: input.provider, catalog, onUpdate}, {jobId, ...input.watch, stuckAfterMs: config.stuckAfterMs})
      return {model: result.fineTunedModel}
    },
    async evaluate(candidate) {
      const onProgress = ({done, total}: {done: number; total: number}) => input.onProgress?.({type: 'waiting', step: 'evaluate', waitingFor: `answers and verdicts on the gold set for ${candidate}`, done, total})
      const result = await evaluateCandidate({sql: db.sql, openai: input.openai, clients: evaluationClients(db.sql, config), config, onProgress}, {candidate})
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

/** A job event, a warning or a retry is a line; the job's status and a deployment are waits. */
function watchProgress(update: WatchUpdate): CycleProgress {
  switch (update.type) {
    case 'event': return {type: 'line', step: 'watch', text: `job event: ${update.event.message}`}
    case 'status': return {type: 'waiting', step: 'watch', waitingFor: `job ${update.jobId} to finish training (${update.status})`}
    case 'deploying': return {type: 'waiting', step: 'watch', waitingFor: `${update.deployment.model} to be deployed (${update.deployment.status}: ${update.deployment.detail})`}
    case 'stuck': return {type: 'line', step: 'watch', text: `warning: job ${update.jobId} has been ${update.status} for ${Math.round(update.forMs / 60_000)} min`}
    case 'retrying': return {type: 'line', step: 'watch', text: `API trouble, retrying in ${Math.round(update.delayMs / 1000)} s: ${update.message}`}
  }
}
