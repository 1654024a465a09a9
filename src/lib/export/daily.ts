import fs from 'node:fs/promises'
import {getModelInfo, loadCatalogOverrides} from '../training/model-catalog.js'
import type {LoopftConfig} from '../config.js'
import type {Database} from '../db/connection.js'
import {goldPromptKeys, readGoldSet} from '../evaluation/gold-set.js'
import type {RedactOptions} from '../redact/index.js'
import {exportConversations, type ExportProgress, type ExportResult} from './index.js'

export interface DailyExportOptions {
  since: string
  until?: string
  outDir?: string
  maxBytes?: number
  systemPrompt?: string
  redaction?: Pick<RedactOptions, 'types' | 'placeholder' | 'allow'>
  workers?: number
  onProgress?: (progress: ExportProgress) => void
}

const FALLBACK_EXAMPLE_TOKENS = 65_536

/**
 * The export as configured: the redactor from config, the per-example token
 * limit of the configured base model (catalog), and the gold set's prompts
 * kept out of training.
 */
export async function runConfiguredExport(db: Database, config: LoopftConfig, options: DailyExportOptions): Promise<ExportResult> {
  const model = getModelInfo(config.baseModel, loadCatalogOverrides(config.pricesFile))
  const goldKeys = await readGoldKeys(config.goldFile)
  return exportConversations(db, {
    since: options.since,
    until: options.until,
    outDir: options.outDir ?? config.outDir,
    maxBytes: options.maxBytes ?? config.maxBytes,
    maxExampleTokens: model.trainingContext ?? FALLBACK_EXAMPLE_TOKENS,
    systemPrompt: options.systemPrompt ?? config.systemPrompt,
    redaction: {allow: config.redactAllow, placeholder: config.redactPlaceholder, phoneRegions: config.phoneRegions, publicDomains: config.redactPublicDomains, ...options.redaction, pseudonymKey: config.pseudonymKey},
    workers: options.workers ?? config.exportWorkers,
    goldKeys,
    verify: config.verify,
    onProgress: options.onProgress,
  })
}

/** No gold file yet is normal on a first run; a broken one is an error. */
async function readGoldKeys(file: string): Promise<Set<string>> {
  try {
    await fs.access(file)
  } catch {
    return new Set()
  }
  return goldPromptKeys((await readGoldSet(file)).items)
}
