import {createHash} from 'node:crypto'
import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {collectRunsDataset, exportRunsById, exportRunsInWindow, type ExportRunFiles} from '../training/dataset.js'
import {lineHash} from '../export/line-filter.js'

/** Which dataset to review: one reviewed before (its id), one export run, or what tune would collect now. */
export type DatasetSelector = {datasetId: string} | {runId: number} | {sinceMs: number; now: Date}

export interface ReviewDataset {
  /** ds-<12 hex>: derived from the export run ids, so tune finds the review of the dataset it built. */
  id: string
  exportRunIds: number[]
  /** Examples in the dataset when the sample was drawn. */
  population: number
  /** sha256 of each sampled line, in review order. */
  sample: string[]
  createdBy: string
  createdAt: string
}

export const DEFAULT_SAMPLE_SIZE = 50

/** The id of the dataset made of these export runs, in any order. */
export function datasetIdOf(exportRunIds: readonly number[]): string {
  const key = [...new Set(exportRunIds)].sort((a, b) => a - b).join(',')
  return `ds-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`
}

/**
 * The dataset's review, its sample drawn and stored on first use. The sample is
 * deterministic, seeded by the dataset id (the `size` lines whose
 * sha256(id:line hash) is lowest), and stored, so a resumed review sees the
 * same examples even after rejected lines left the files.
 */
export async function openReviewDataset(sql: Sql, selector: DatasetSelector, options: {size: number; actor: string}): Promise<ReviewDataset> {
  if ('datasetId' in selector) {
    const stored = await readReviewDataset(sql, selector.datasetId)
    if (stored === undefined) throw new LoopftError('NOT_FOUND', `no review of dataset ${selector.datasetId}`, {suggestion: 'start one with loopft review --run N, or with no flag for the dataset tune would collect now'})
    return stored
  }
  const runs = await selectRuns(sql, selector)
  const id = datasetIdOf(runs.map((run) => run.id))
  const stored = await readReviewDataset(sql, id)
  if (stored !== undefined) return stored
  const lines = (await collectRunsDataset(sql, runs)).content.toString('utf8').split('\n').filter((line) => line !== '')
  const sample = drawSample(id, lines.map((line) => lineHash(line)), options.size)
  await sql`
    insert into loopft_review_datasets (id, export_run_ids, population, sample, created_by)
    values (${id}, ${runs.map((run) => run.id)}::bigint[], ${lines.length}, ${sample}::text[], ${options.actor})
    on conflict (id) do nothing`
  return (await readReviewDataset(sql, id)) as ReviewDataset
}

/** The `size` hashes ranked first by sha256(datasetId:hash): a uniform sample that depends only on the dataset. */
export function drawSample(datasetId: string, hashes: readonly string[], size: number): string[] {
  const rank = (hash: string) => createHash('sha256').update(`${datasetId}:${hash}`).digest('hex')
  return [...new Set(hashes)].map((hash) => ({hash, rank: rank(hash)})).sort((a, b) => (a.rank < b.rank ? -1 : 1)).slice(0, size).map(({hash}) => hash)
}

export async function readReviewDataset(sql: Sql, id: string): Promise<ReviewDataset | undefined> {
  const [row] = await sql<{id: string; export_run_ids: string[]; population: number; sample: string[]; created_by: string; created_at: Date}[]>`
    select id, export_run_ids, population, sample, created_by, created_at from loopft_review_datasets where id = ${id}`
  if (row === undefined) return undefined
  return {id: row.id, exportRunIds: row.export_run_ids.map(Number), population: row.population, sample: row.sample, createdBy: row.created_by, createdAt: row.created_at.toISOString()}
}

async function selectRuns(sql: Sql, selector: {runId: number} | {sinceMs: number; now: Date}): Promise<ExportRunFiles[]> {
  if ('runId' in selector) {
    const runs = await exportRunsById(sql, [selector.runId])
    if (runs.length === 0) throw new LoopftError('NOT_FOUND', `export run ${selector.runId} does not exist or did not succeed`, {suggestion: 'loopft status lists the export runs'})
    return runs
  }
  const since = new Date(selector.now.getTime() - selector.sinceMs)
  const runs = await exportRunsInWindow(sql, {since, until: selector.now})
  if (runs.length === 0) throw new LoopftError('INPUT_INVALID', `no succeeded export run ended since ${since.toISOString()}`, {suggestion: 'run loopft export first, or widen --since'})
  return runs
}
