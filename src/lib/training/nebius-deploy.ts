import type OpenAI from 'openai'
import {LoopftError} from '../errors.js'
import {toLoopftError} from '../error-translation.js'
import type {Deployer, Deployment, TrainingJob} from './provider.js'

/** A custom model as POST/GET /v0/models answer it (docs/contracts/nebius.md §5). */
interface CustomModel {
  name: string
  base_model: string
  source: string
  status: 'validating' | 'active' | 'error' | 'deleted'
}

const STATUS: Readonly<Record<CustomModel['status'], Deployment['status']>> = {validating: 'pending', active: 'ready', error: 'failed', deleted: 'stopped'}

/**
 * Nebius serves a fine-tune only once its checkpoint is made a custom model
 * (POST /v0/models at the API root, beside /v1), which validates and turns
 * active; LoRA custom models then bill per token, so nothing is stopped.
 */
export function nebiusCustomModels(client: OpenAI): Deployer {
  const v0 = new URL('../v0/models', client.baseURL.endsWith('/') ? client.baseURL : `${client.baseURL}/`).href
  const list = async () => (await client.get<{data: CustomModel[]}>(v0)).data

  return {
    deploy: (job, {name}) => call(async () => {
      const source = `${job.id}:${await finalCheckpoint(client, job)}`
      const existing = (await list()).find((model) => model.source === source && model.status !== 'deleted' && model.status !== 'error')
      // One attempt: a retried create would make a second model (each create gets a new name); the next run finds this one by its source.
      const model = existing ?? await client.post<CustomModel>(v0, {body: {name, base_model: job.model, source, description: `loopft: ${job.suffix ?? job.id}`}, maxRetries: 0})
      return toDeployment(model)
    }),

    getDeployment: (deployment) => call(async () => {
      const model = (await list()).find((candidate) => candidate.name === deployment.externalId)
      if (model === undefined) throw new LoopftError('NOT_FOUND', `Nebius has no custom model ${deployment.externalId}`)
      return toDeployment(model)
    }),

    // Per-token serving costs nothing while idle; a custom model is removed with the registry's delete.
    stopDeployment: async () => {},
  }
}

async function finalCheckpoint(client: OpenAI, job: TrainingJob): Promise<string> {
  let final: {id: string; step_number: number} | undefined
  for await (const checkpoint of client.fineTuning.jobs.checkpoints.list(job.id, {limit: 100})) {
    if (final === undefined || checkpoint.step_number > final.step_number) final = checkpoint
  }
  if (final === undefined) throw new LoopftError('NOT_FOUND', `job ${job.id} has no checkpoint to deploy`, {suggestion: 'check the job in the Nebius console; retrain with loopft tune --force'})
  return final.id
}

function toDeployment(model: CustomModel): Deployment {
  return {kind: 'custom-model', externalId: model.name, model: model.name, status: STATUS[model.status], costPerDayUsd: null, detail: `custom model ${model.status} (${model.source})`}
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw toLoopftError(error)
  }
}
