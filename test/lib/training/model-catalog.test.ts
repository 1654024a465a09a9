import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {getModelInfo, getProviderCutoff, inferenceCost, loadCatalogOverrides, PROVIDER_CUTOFFS, trainingCost} from '../../../src/lib/training/model-catalog.js'

describe('catalog', () => {
  it('prices the default base model: training, base and fine-tuned inference', () => {
    const model = getModelInfo('gpt-4o-mini-2024-07-18')
    assert.deepEqual(
      [model.trainable, model.trainingPerMillion, model.trainingContext, model.base, model.fineTuned],
      [true, 3, 65_536, {inputPerMillion: 0.15, outputPerMillion: 0.6}, {inputPerMillion: 0.3, outputPerMillion: 1.2}],
    )
    assert.equal(trainingCost(1_000_000, model), 3)
    assert.equal(trainingCost(12_345, model), 0.037035)
  })

  it('keeps the per-model figures the issue names', () => {
    const row = (name: string) => {
      const model = getModelInfo(name)
      return [model.trainingPerMillion, model.trainingContext, model.fineTuned?.inputPerMillion, model.fineTuned?.outputPerMillion]
    }
    assert.deepEqual(row('gpt-4.1-mini-2025-04-14'), [5, 65_536, 0.8, 3.2])
    assert.deepEqual(row('gpt-4.1-nano-2025-04-14'), [1.5, 32_768, 0.2, 0.8])
    assert.deepEqual(row('gpt-4.1-2025-04-14'), [25, 65_536, 3, 12])
    assert.deepEqual(row('gpt-4o-2024-08-06'), [25, 65_536, 3.75, 15])
  })

  it('resolves aliases and prices fine-tuned names by their base', () => {
    assert.equal(getModelInfo('gpt-4o-mini').name, 'gpt-4o-mini-2024-07-18')
    const ft = getModelInfo('ft:gpt-4o-mini-2024-07-18:acme::abc12345')
    assert.equal(ft.name, 'gpt-4o-mini-2024-07-18')
    const usage = {prompt_tokens: 1_000_000, completion_tokens: 500_000}
    assert.deepEqual([inferenceCost(usage, ft, {fineTuned: true}), inferenceCost(usage, ft, {fineTuned: false})], [0.9, 0.45])
  })

  it('refuses to price training on a retired or unknown model', () => {
    const retired = getModelInfo('gpt-3.5-turbo-0125')
    assert.equal(retired.trainable, false)
    assert.throws(() => trainingCost(100, retired), {code: 'TRAINING_UNAVAILABLE'})
    assert.throws(() => getModelInfo('my-own-model'), {code: 'NOT_FOUND'})
  })

  it('knows the OpenAI cut-off for new jobs', () => {
    assert.equal(PROVIDER_CUTOFFS.openai.noNewJobsAfter, '2027-01-06')
    assert.equal(getProviderCutoff('azure-openai'), undefined)
  })

  describe('overrides file', () => {
    let dir: string
    before(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-catalog-'))
    })
    after(async () => {
      await fs.rm(dir, {recursive: true, force: true})
    })

    it('patches a known model, adds a new one and a provider cut-off', async () => {
      const file = path.join(dir, 'prices.json')
      await fs.writeFile(file, JSON.stringify({
        models: {
          'gpt-4o-mini-2024-07-18': {trainingPerMillion: 4, shutdownDate: '2027-03-01'},
          'acme-small': {trainable: true, trainingPerMillion: 1, trainingContext: 8192, base: {inputPerMillion: 0.1, outputPerMillion: 0.2}},
        },
        providerCutoffs: {'azure-openai': {noNewJobsAfter: '2028-01-01'}},
      }))
      const overrides = loadCatalogOverrides(file)
      const patched = getModelInfo('gpt-4o-mini', overrides)
      assert.deepEqual([patched.trainingPerMillion, patched.shutdownDate, patched.base.inputPerMillion], [4, '2027-03-01', 0.15])
      const added = getModelInfo('acme-small', overrides)
      assert.deepEqual([added.trainingContext, added.fineTuned, trainingCost(2_000_000, added)], [8192, null, 2])
      assert.equal(getProviderCutoff('azure-openai', overrides)?.noNewJobsAfter, '2028-01-01')
    })

    it('rejects a malformed file with CONFIG_INVALID', async () => {
      const file = path.join(dir, 'bad.json')
      await fs.writeFile(file, JSON.stringify({models: {'gpt-4o-mini': {trainingPerMillion: -1}}}))
      assert.throws(() => loadCatalogOverrides(file), {code: 'CONFIG_INVALID'})
      assert.throws(() => loadCatalogOverrides(path.join(dir, 'missing.json')), {code: 'CONFIG_INVALID'})
    })
  })
})
