import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {formatPercent} from '../format.js'
import {progressOf, readSample} from './decisions.js'
import {datasetIdOf, readReviewDataset} from './sample.js'

export interface ReviewRequirement {
  /** LOOPFT_REQUIRE_REVIEW */
  required: boolean
  /** LOOPFT_REVIEW_MAX_REJECTION: the largest share of reviewed examples rejected that still trains. */
  maxRejectionRate: number
}

/**
 * With review required, a job starts only on a dataset whose sample a person
 * reviewed whole, with at most `maxRejectionRate` of it rejected; otherwise
 * REVIEW_REQUIRED says which dataset and what is missing. A dataset file given
 * to tune has no export runs to sample, so it cannot be reviewed.
 */
export async function assertReviewed(sql: Sql, exportRunIds: readonly number[], requirement: ReviewRequirement): Promise<void> {
  if (!requirement.required) return
  const suggestion = 'review it with loopft review (the same --since as tune), or apply decisions with loopft review --decisions FILE'
  if (exportRunIds.length === 0) {
    throw new LoopftError('REVIEW_REQUIRED', 'review is required (LOOPFT_REQUIRE_REVIEW) and a dataset file cannot be reviewed', {suggestion: 'train from the exports (--since), which loopft review samples'})
  }
  const id = datasetIdOf(exportRunIds)
  const dataset = await readReviewDataset(sql, id)
  const runs = `export runs ${[...exportRunIds].sort((a, b) => a - b).join(', ')}`
  if (dataset === undefined) throw new LoopftError('REVIEW_REQUIRED', `dataset ${id} (${runs}) has no reviewed sample`, {suggestion, details: {datasetId: id}})
  const progress = progressOf(await readSample(sql, dataset))
  if (!progress.reviewed) {
    throw new LoopftError('REVIEW_REQUIRED', `dataset ${id} is not reviewed: ${progress.pending} of ${progress.sampleSize} sampled examples have no decision`, {suggestion: `finish it: loopft review --dataset ${id}`, details: {datasetId: id, progress}})
  }
  if ((progress.rejectionRate ?? 0) > requirement.maxRejectionRate) {
    throw new LoopftError('REVIEW_REQUIRED', `dataset ${id}: ${progress.rejected} of ${progress.approved + progress.rejected} reviewed examples rejected (${formatPercent(progress.rejectionRate ?? 0)}), above the ${formatPercent(requirement.maxRejectionRate)} allowed`, {
      suggestion: 'fix what produces the rejected examples and export again, or raise LOOPFT_REVIEW_MAX_REJECTION', details: {datasetId: id, progress},
    })
  }
}
