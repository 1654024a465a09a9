import fs from 'node:fs/promises'
import type OpenAI from 'openai'
import type {LoopftConfig} from '../config.js'
import type {Sql} from '../db/connection.js'
import {toLoopftError} from '../error-translation.js'
import {LoopftError, type ErrorCode} from '../errors.js'
import {readGoldSet} from '../evaluation/gold-set.js'
import {resolveBaseline} from '../evaluation/store.js'
import {qualifiedName} from '../runtime/model-target.js'
import {checkReachable} from '../serving/preflight.js'
import {asProviderName, splitProvider, type ProviderName, type TrainingProvider} from '../training/provider.js'
import {apiKeyVariable, createChatClient, type ProviderConfig} from '../training/providers.js'

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
  /** OpenAI's chat client, when OPENAI_API_KEY is set; other providers' clients are built from `config`. */
  openai?: OpenAI
  /** The provider that trains (default openai); Azure, Nebius and Together are asked whether they fine-tune the base model through their own routes. */
  provider?: Pick<TrainingProvider, 'name' | 'canFineTune'>
  /** Where the baseline is read (the promoted model); without it the default text model is the baseline. */
  sql?: Sql
  config: Pick<LoopftConfig, 'goldFile' | 'judgeModel' | 'judgeRubricFile' | 'baseModel' | 'textModel'> & ProviderConfig
}

/**
 * What the cycle needs after it has paid for a job, checked before it uploads
 * anything: the gold set and the rubric evaluate will read, the training
 * provider's key, that it fine-tunes the base model, and that the baseline and
 * the judge answer, each at its own provider. Every check runs (a dry run shows
 * them all); each failure keeps the error code it would have had later.
 */
export async function checkBeforeSpending(deps: PreflightDeps): Promise<PreflightCheck[]> {
  const {config} = deps
  const training = asProviderName(deps.provider?.name)
  const clients = new Map<ProviderName, Promise<OpenAI>>()
  const clientAt = (provider: ProviderName) => {
    if (provider === 'openai' && deps.openai !== undefined) return Promise.resolve(deps.openai)
    if (!clients.has(provider)) clients.set(provider, createChatClient(config, provider))
    return clients.get(provider)!
  }
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
      await clientAt(training)
      return `${apiKeyVariable(training)} is set`
    }),
    check('base model', async () => {
      // Azure, Nebius and Together are asked through their own routes and keys.
      if (deps.provider === undefined || training === 'openai') {
        await (await clientAt('openai')).models.retrieve(config.baseModel)
        return `${config.baseModel} is available to this key`
      }
      return probeFineTuning(deps.provider, config.baseModel)
    }),
    check('baseline model', async () => {
      const baseline = deps.sql === undefined ? qualifiedName(config.textModel) : await resolveBaseline(deps.sql, 'promoted', config.textModel)
      return answersAt(clientAt, baseline)
    }),
    check('judge model', async () => answersAt(clientAt, config.judgeModel)),
  ])
}

/** OpenAI's and Azure's routes list models by id; at Nebius and Together a one-line chat proves the model answers. */
async function answersAt(clientAt: (provider: ProviderName) => Promise<OpenAI>, name: string): Promise<string> {
  const {provider, model} = splitProvider(name)
  const at = provider ?? 'openai'
  const client = await clientAt(at)
  if (at === 'openai' || at === 'azure') await client.models.retrieve(model)
  else await checkReachable(client, model, {retrieve: false})
  return `${model} answers at ${at}`
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
