import fs from 'node:fs/promises'
import type OpenAI from 'openai'
import type {LoopftConfig} from '../config.js'
import {toLoopftError} from '../error-translation.js'
import {LoopftError, type ErrorCode} from '../errors.js'
import {readGoldSet} from '../evaluation/gold-set.js'
import type {TrainingProvider} from '../training/provider.js'

export interface PreflightCheck {
  name: string
  passed: boolean
  detail: string
  /** The error a failed check stands for. */
  code?: ErrorCode
}

export interface PreflightDeps {
  openai: OpenAI
  /** The provider that trains; Nebius and Together are asked whether they fine-tune the base model (OpenAI's routes list it). */
  provider?: Pick<TrainingProvider, 'name' | 'canFineTune'>
  config: Pick<LoopftConfig, 'goldFile' | 'judgeModel' | 'judgeRubricFile' | 'openaiApiKey' | 'baseModel'>
}

/**
 * What the cycle needs after it has paid for a job, checked before it uploads
 * anything: the gold set and the rubric evaluate will read, the key, and that
 * the provider serves the base model and the judge. Every check runs (a dry run
 * shows them all); each failure keeps the error code it would have had later.
 */
export async function checkBeforeSpending(deps: PreflightDeps): Promise<PreflightCheck[]> {
  const {config} = deps
  return Promise.all([
    check('gold set', async () => {
      const gold = await readGoldSet(config.goldFile)
      return `${gold.items.length} items in ${gold.path}`
    }),
    check('judge rubric', async () => {
      if (config.judgeRubricFile === undefined) return 'the built-in rubric'
      const text = await fs.readFile(config.judgeRubricFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new LoopftError('CONFIG_INVALID', `cannot read ${config.judgeRubricFile}: ${error.code ?? error.message}`)
      })
      if (text.trim() === '') throw new LoopftError('CONFIG_INVALID', `${config.judgeRubricFile} is empty`)
      return config.judgeRubricFile
    }),
    check('API key', async () => {
      if (config.openaiApiKey === undefined) throw new LoopftError('CONFIG_INVALID', 'OPENAI_API_KEY is not set')
      return 'set'
    }),
    check('base model', async () => {
      if (deps.provider === undefined || !['nebius', 'together'].includes(deps.provider.name)) {
        await deps.openai.models.retrieve(config.baseModel)
        return `${config.baseModel} is available to this key`
      }
      const probe = await deps.provider.canFineTune(config.baseModel)
      if (!probe.modelVisible) throw new LoopftError(probe.apiOk ? 'NOT_FOUND' : 'API_ERROR', probe.detail)
      return `${config.baseModel} can be fine-tuned at ${deps.provider.name}`
    }),
    check('judge model', async () => {
      await deps.openai.models.retrieve(config.judgeModel)
      return `${config.judgeModel} is available to this key`
    }),
  ])
}

async function check(name: string, run: () => Promise<string>): Promise<PreflightCheck> {
  try {
    return {name, passed: true, detail: await run()}
  } catch (error) {
    const failure = toLoopftError(error)
    return {name, passed: false, detail: failure.message, code: failure.code}
  }
}
