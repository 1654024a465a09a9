import fs from 'node:fs/promises'
import path from 'node:path'
import type {ModelInfo} from './model-catalog.js'
import type {Sql} from '../db/connection.js'
import {LoopftError} from '../errors.js'
import {collectExportedDataset, splitDataset, validateDataset, type DatasetStats} from './dataset.js'

/** Where tune's dataset comes from: a file, or the exports of a recent window. */
export interface DatasetSource {
  file?: string
  sinceMs?: number
  validationSplit?: number
  outDir: string
}

/** The dataset of one tune run, validated whole and, with a split, as its training and validation parts. */
export interface PreparedData {
  path: string
  content: Buffer
  whole: DatasetStats
  training: DatasetStats
  trainingContent: Buffer
  validation: DatasetStats | undefined
  validationContent: Buffer | undefined
  exportRunIds: number[]
}

export async function prepareDataset(sql: Sql, options: DatasetSource, model: ModelInfo, now: Date): Promise<PreparedData> {
  const source = await readSource(sql, options, now)
  const limit = {trainingContext: model.trainingContext ?? Number.POSITIVE_INFINITY, tokenizer: model.tokenizer}
  const whole = validateDataset(source.content, limit)
  const datasetPath = source.path ?? path.join(options.outDir, 'datasets', `dataset-${now.toISOString().slice(0, 10)}-${whole.sha256.slice(0, 12)}.jsonl`)
  if (options.validationSplit === undefined) {
    return {path: datasetPath, content: source.content, whole, training: whole, trainingContent: source.content, validation: undefined, validationContent: undefined, exportRunIds: source.exportRunIds}
  }
  const split = splitDataset(source.content, options.validationSplit)
  return {
    path: datasetPath, content: source.content, whole, exportRunIds: source.exportRunIds,
    training: validateDataset(split.training, {...limit, label: 'training part'}), trainingContent: split.training,
    validation: validateDataset(split.validation, {...limit, minExamples: 1, label: 'validation part'}), validationContent: split.validation,
  }
}

async function readSource(sql: Sql, options: DatasetSource, now: Date): Promise<{content: Buffer; path?: string; exportRunIds: number[]}> {
  if (options.file !== undefined) {
    const file = path.resolve(options.file)
    const content = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new LoopftError('INPUT_INVALID', `cannot read ${file}: ${error.code}`, {cause: error})
    })
    return {content, path: file, exportRunIds: []}
  }
  const since = new Date(now.getTime() - (options.sinceMs ?? 7 * 86_400_000))
  const collected = await collectExportedDataset(sql, {since, until: now})
  if (collected.exportRunIds.length === 0) {
    throw new LoopftError('INPUT_INVALID', `no succeeded export run ended since ${since.toISOString()}`, {suggestion: 'run loopft export first, widen the window, or train from a dataset file'})
  }
  return {content: collected.content, exportRunIds: collected.exportRunIds}
}
