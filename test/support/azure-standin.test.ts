import assert from 'node:assert/strict'
import OpenAI, {APIConnectionError} from 'openai'
import {loadConfig} from '../../src/lib/config.js'
import {createChatClient} from '../../src/lib/training/providers.js'
import {useAzureStandin} from './providers.js'

describe('Azure OpenAI stand-in (docs/contracts/azure.md)', () => {
  const azure = useAzureStandin()

  it('answers only under /openai/v1 and only with the key in api-key, in Azure\'s error envelope', async () => {
    const origin = azure.standin.baseURL.replace(/\/openai\/v1$/, '')
    const outside = await fetch(`${origin}/v1/models`, {headers: {'api-key': 'az-test'}})
    const bearerOnly = await fetch(`${azure.standin.baseURL}/models`, {headers: {authorization: 'Bearer az-test'}})
    const wrongKey = await fetch(`${azure.standin.baseURL}/models`, {headers: {'api-key': 'nope'}})
    assert.deepEqual([outside.status, await outside.json()], [404, {error: {code: '404', message: 'Resource not found'}}])
    assert.deepEqual([bearerOnly.status, wrongKey.status, ((await wrongKey.json()) as {error: {code: string}}).error.code], [401, 401, '401'])
    await assert.rejects(new OpenAI({apiKey: 'az-test', baseURL: azure.standin.baseURL, maxRetries: 0}).models.list(), {status: 401})
  })

  it('a chat names a deployment: 404 DeploymentNotFound until one serves the model, then the model answers through the client loopft builds', async () => {
    const config = loadConfig({}, azure.env())
    const client = await createChatClient(config, 'azure', {maxRetries: 0})
    const chat = () => client.chat.completions.create({model: 'support-prod', messages: [{role: 'user', content: 'hello'}]})
    await assert.rejects(chat(), (error: {status?: number; error?: {code?: string}}) => error.status === 404 && error.error?.code === 'DeploymentNotFound')
    azure.standin.createDeployment('support-prod', 'gpt-4o-mini')
    const completion = await chat()
    assert.deepEqual([completion.model, completion.choices[0].message.content], ['gpt-4o-mini', 'gpt-4o-mini answers: hello'])
  })

  it('serves OpenAI\'s fine-tuning routes behind the front, faults included', async () => {
    azure.standin.openai.injectFault({method: 'GET', path: '/fine_tuning/jobs', kind: 'drop-connection'})
    const client = azure.client()
    await assert.rejects(client.fineTuning.jobs.list(), APIConnectionError)
    const page = await client.fineTuning.jobs.list()
    assert.deepEqual([page.data, azure.standin.openai.requests.map((request) => request.path)], [[], ['/fine_tuning/jobs', '/fine_tuning/jobs']])
  })
})
