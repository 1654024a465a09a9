import type OpenAI from 'openai'
import type {Sql} from '../db/connection.js'
import {findModel} from '../serving/registry.js'
import {asProviderName, splitProvider, type ProviderName} from '../training/provider.js'
import {createChatClient, type ProviderConfig} from '../training/providers.js'
import type {EvaluationClients} from './evaluate.js'

/**
 * The chat client of each model an evaluation calls, so that candidate,
 * baseline and judge may each be on any configured provider: the provider the
 * registry holds for a trained model, else the one its name carries
 * (`nebius:meta-llama/…`), else OpenAI.
 */
export function evaluationClients(sql: Sql, config: ProviderConfig) {
  const built = new Map<ProviderName, Promise<OpenAI>>()
  const client = (provider: ProviderName) => {
    if (!built.has(provider)) built.set(provider, createChatClient(config, provider))
    return built.get(provider)!
  }
  const providerOf = async (model: string) => {
    const registered = await findModel(sql, model)
    return registered === undefined ? splitProvider(model).provider ?? 'openai' : asProviderName(registered.provider)
  }
  return async (models: {candidate: string; baseline: string; judge: string}): Promise<EvaluationClients> => ({
    candidate: await client(await providerOf(models.candidate)),
    baseline: await client(await providerOf(models.baseline)),
    judge: await client(await providerOf(models.judge)),
  })
}
