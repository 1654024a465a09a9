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
  /** A failure is a warning, not a refusal (tune: the gold set matters only once the model is evaluated). */
  advisory?: boolean
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
    check('gold set', () => describeGoldSet(config.goldFile)),
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
      // The OpenAI client holds OpenAI's key: Azure, Nebius and Together are asked through their own routes and keys.
      if (deps.provider === undefined || !['azure', 'nebius', 'together'].includes(deps.provider.name)) {
        await deps.openai.models.retrieve(config.baseModel)
        return `${config.baseModel} is available to this key`
      }
      return probeFineTuning(deps.provider, config.baseModel)
    }),
    check('judge model', async () => {
      await deps.openai.models.retrieve(config.judgeModel)
      return `${config.judgeModel} is available to this key`
    }),
  ])
}

/**
 * What tune checks before it uploads anything, beside the budget it prices
 * itself: that the provider answers an authenticated call and fine-tunes the
 * base model (its own routes, so any provider), and, as a warning only, the
 * gold set a later evaluation will read.
 */
export async function checkBeforeTraining(deps: {provider: Pick<TrainingProvider, 'name' | 'canFineTune'>; config: Pick<LoopftConfig, 'goldFile' | 'baseModel'>}): Promise<PreflightCheck[]> {
  return Promise.all([
    check('provider access', () => probeFineTuning(deps.provider, deps.config.baseModel)),
    check('gold set', () => describeGoldSet(deps.config.goldFile)).then((gold) => ({...gold, advisory: true})),
  ])
}

async function describeGoldSet(file: string): Promise<string> {
  const gold = await readGoldSet(file)
  return `${gold.items.length} items in ${gold.path}`
}

/** A cheap call that creates nothing: the fine-tuning routes answer this key, and they can see the base model. */
async function probeFineTuning(provider: Pick<TrainingProvider, 'name' | 'canFineTune'>, baseModel: string): Promise<string> {
  const probe = await provider.canFineTune(baseModel)
  if (!probe.modelVisible) throw new LoopftError(probe.apiOk ? 'NOT_FOUND' : 'API_ERROR', probe.detail)
  return `${baseModel} can be fine-tuned at ${provider.name}`
}

async function check(name: string, run: () => Promise<string>): Promise<PreflightCheck> {
  try {
    return {name, passed: true, detail: await run()}
  } catch (error) {
    const failure = toLoopftError(error)
    return {name, passed: false, detail: failure.message, code: failure.code}
  }
}
