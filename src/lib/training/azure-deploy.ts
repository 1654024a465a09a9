import type {Deployer} from './provider.js'

/**
 * Azure serves a fine-tune only from a deployment, created through Azure's
 * management API with ARM credentials loopft does not hold: loopft names the
 * deployment, prints the exact command, and registers the candidate once a
 * chat to that name answers (watch-job again after running it).
 */
export function azureDeployments(baseUrl: string): Deployer {
  const resource = new URL(baseUrl).hostname.split('.')[0]
  return {
    deploy: async (job, {name}) => ({
      kind: 'manual', externalId: name, model: name, status: 'pending', costPerDayUsd: null,
      detail: [
        'az cognitiveservices account deployment create', '--resource-group "$AZURE_RESOURCE_GROUP"', `--name ${resource}`, `--deployment-name ${name}`,
        `--model-name ${job.fineTunedModel}`, '--model-version 1', '--model-format OpenAI', '--sku-name Standard', '--sku-capacity 1',
      ].join(' '),
    }),
    // Only a chat tells whether the deployment exists: deploy.ts tries one.
    getDeployment: async (deployment) => deployment,
    stopDeployment: async () => {},
  }
}
