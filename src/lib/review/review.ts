import type {Database} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import type {TrainingMessage} from '../export/examples.js'
import {lineHash} from '../export/line-filter.js'
import {collectRunsDataset, exportRunsById} from '../training/dataset.js'
import {progressOf, readSample, recordDecisions, type DecisionInput, type ReviewProgress, type SampleEntry} from './decisions.js'
import {readDecisionsFile} from './decisions-file.js'
import {purgeRejected, type PurgeReport} from './purge.js'
import {openReviewDataset, readReviewDataset, type DatasetSelector, type ReviewDataset} from './sample.js'

export interface ReviewDeps {
  db: Database
  /** Who decides (LOOPFT_ACTOR), recorded with each decision. */
  actor: string
}

export interface ReviewOptions {
  selector: DatasetSelector
  /** Examples drawn when the dataset's sample is first drawn; a stored sample keeps its size. */
  sampleSize: number
}

export interface ReviewExample extends SampleEntry {
  /** The example as it stands in the export files; null once it left them (rejected, or its user forgotten). */
  messages: TrainingMessage[] | null
}

/** loopft review's result: the dataset, the sample with its decisions, and what the rejections removed from the files. */
export interface ReviewResult {
  dataset: Omit<ReviewDataset, 'sample'>
  progress: ReviewProgress
  examples: ReviewExample[]
  /** Decisions recorded from --decisions FILE; null otherwise. */
  applied: number | null
  purge: PurgeReport
}

/**
 * Opens (or resumes) the review of a dataset: draws its sample on first use,
 * finishes removing earlier rejections from the files (a session that was
 * killed leaves that to the next one), and returns the sample with its decisions.
 */
export async function openReview(deps: ReviewDeps, options: ReviewOptions): Promise<ReviewResult> {
  const dataset = await openReviewDataset(deps.db.sql, options.selector, {size: options.sampleSize, actor: deps.actor})
  const purge = await purgeRejected(deps.db)
  return readReview(deps, dataset, purge, null)
}

/** Records one decision made on the terminal, at once, so quitting loses nothing. */
export async function decideExample(deps: ReviewDeps, datasetId: string, input: DecisionInput): Promise<void> {
  await recordDecisions(deps.db.sql, datasetId, [input], deps.actor)
}

/** Ends a session: removes the rejected lines from every export file and reports where the review stands. */
export async function finishReview(deps: ReviewDeps, datasetId: string): Promise<ReviewResult> {
  const dataset = await readReviewDataset(deps.db.sql, datasetId)
  if (dataset === undefined) throw new LoopftError('NOT_FOUND', `no review of dataset ${datasetId}`)
  return readReview(deps, dataset, await purgeRejected(deps.db), null)
}

/** Applies decisions made in another tool (a JSON or JSONL file) to the dataset's sample, all or none, then removes the rejected lines. */
export async function applyReviewDecisions(deps: ReviewDeps, options: ReviewOptions & {file: string}): Promise<ReviewResult> {
  const dataset = await openReviewDataset(deps.db.sql, options.selector, {size: options.sampleSize, actor: deps.actor})
  const decisions = await readDecisionsFile(options.file, dataset.sample)
  const applied = await recordDecisions(deps.db.sql, dataset.id, decisions, deps.actor)
  return readReview(deps, dataset, await purgeRejected(deps.db), applied)
}

async function readReview(deps: ReviewDeps, dataset: ReviewDataset, purge: PurgeReport, applied: number | null): Promise<ReviewResult> {
  const entries = await readSample(deps.db.sql, dataset)
  const lines = await sampledLines(deps, dataset)
  const examples = entries.map((entry) => ({...entry, messages: lines.get(entry.sha256) ?? null}))
  const described = {id: dataset.id, exportRunIds: dataset.exportRunIds, population: dataset.population, createdBy: dataset.createdBy, createdAt: dataset.createdAt}
  return {dataset: described, progress: progressOf(entries), examples, applied, purge}
}

/** The sampled examples' messages, read from the dataset's daily files (rejected lines are no longer there). */
async function sampledLines(deps: ReviewDeps, dataset: ReviewDataset): Promise<Map<string, TrainingMessage[]>> {
  const wanted = new Set(dataset.sample)
  const content = (await collectRunsDataset(deps.db.sql, await exportRunsById(deps.db.sql, dataset.exportRunIds))).content.toString('utf8')
  const found = new Map<string, TrainingMessage[]>()
  for (const line of content.split('\n')) {
    if (line === '') continue
    const hash = lineHash(line)
    if (wanted.has(hash)) found.set(hash, (JSON.parse(line) as {messages: TrainingMessage[]}).messages)
  }
  return found
}
