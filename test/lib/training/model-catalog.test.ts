import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {getModelInfo, getProviderCutoff, getRetirement, inferenceCost, listShutdownDates, loadCatalogOverrides, PROVIDER_CUTOFFS, trainingCost} from '../../../src/lib/training/model-catalog.js'
import {shutdownDateOf} from '../../../src/lib/runtime/model-target.js'

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
    assert.equal(getProviderCutoff('azure'), undefined)
  })

  describe('retirements', () => {
    const dates = (provider: string, model: string) => {
      const retirement = getRetirement(provider, model)
      return [retirement.shutdownDate, retirement.fineTunesShutdownDate, retirement.trainingEndsDate]
    }

    it('holds the dates OpenAI announced, per snapshot and through aliases', () => {
      for (const model of ['gpt-4o-2024-08-06', 'gpt-4o-2024-11-20', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini-2025-04-14']) {
        assert.deepEqual(dates('openai', model), ['2027-01-14', '2027-01-14', null], model)
      }
      assert.deepEqual([dates('openai', 'gpt-4.1-nano'), dates('openai', 'o4-mini')], [['2026-10-23', '2026-10-23', null], ['2026-10-23', '2026-10-23', null]])
    })

    it('keeps dates per provider: Azure trains 4o until 2027-04-01, 4.1 until 2027-04-14, and serves fine-tunes to about 2027-10', () => {
      assert.deepEqual([dates('azure', 'gpt-4o-mini'), dates('azure', 'gpt-4.1-mini')], [[null, '2027-10-01', '2027-04-01'], [null, '2027-10-01', '2027-04-14']])
      assert.deepEqual(dates('nebius', 'meta-llama/Meta-Llama-3.1-8B-Instruct'), [null, null, null])
    })

    it('lists the dates for the router, which resolves a fine-tune by its base and a base by its alias', () => {
      const list = listShutdownDates()
      const date = (provider: string, model: string) => shutdownDateOf(list, {provider, model})
      assert.deepEqual(
        [date('openai', 'ft:gpt-4o-mini-2024-07-18:acme::abc12345'), date('openai', 'gpt-4o'), date('azure', 'ft:gpt-4o-mini-2024-07-18:acme::abc12345'), date('azure', 'gpt-4o'), date('nebius', 'gpt-4o')],
        ['2027-01-14', '2027-01-14', '2027-10-01', null, null],
      )
    })
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
        providerCutoffs: {azure: {noNewJobsAfter: '2028-01-01'}},
      }))
      const overrides = loadCatalogOverrides(file)
      const patched = getModelInfo('gpt-4o-mini', overrides)
      assert.deepEqual([patched.trainingPerMillion, patched.shutdownDate, patched.base.inputPerMillion], [4, '2027-03-01', 0.15])
      const added = getModelInfo('acme-small', overrides)
      assert.deepEqual([added.trainingContext, added.fineTuned, trainingCost(2_000_000, added)], [8192, null, 2])
      assert.equal(getProviderCutoff('azure', overrides)?.noNewJobsAfter, '2028-01-01')
    })

    it('overrides retirements per provider and model; a model\'s shutdownDate applies at every provider', async () => {
      const file = path.join(dir, 'retirements.json')
      await fs.writeFile(file, JSON.stringify({
        models: {'gpt-4.1-2025-04-14': {shutdownDate: '2027-02-01'}},
        retirements: {openai: {'gpt-4o-mini-2024-07-18': {fineTunesShutdownDate: '2027-03-31', successor: 'together:Qwen/Qwen2.5-7B-Instruct'}}, nebius: {'acme/small': {shutdownDate: '2027-05-01'}}},
      }))
      const overrides = loadCatalogOverrides(file)
      const mini = getRetirement('openai', 'gpt-4o-mini', overrides)
      assert.deepEqual([mini.shutdownDate, mini.fineTunesShutdownDate, mini.successor], ['2027-01-14', '2027-03-31', 'together:Qwen/Qwen2.5-7B-Instruct'])
      assert.deepEqual([getRetirement('openai', 'gpt-4.1', overrides).fineTunesShutdownDate, getRetirement('azure', 'gpt-4.1', overrides).shutdownDate], ['2027-02-01', '2027-02-01'])
      assert.ok(listShutdownDates(overrides).some((row) => row.provider === 'nebius' && row.model === 'acme/small' && row.shutdownDate === '2027-05-01'))
      await fs.writeFile(file, JSON.stringify({retirements: {azure: {'gpt-4o': {fineTunesShutdownDate: '2027-12-31'}}}}))
      const byAlias = loadCatalogOverrides(file)
      assert.deepEqual([getRetirement('azure', 'gpt-4o', byAlias).fineTunesShutdownDate, getRetirement('azure', 'gpt-4o-2024-08-06', byAlias).fineTunesShutdownDate], ['2027-12-31', '2027-12-31'], 'an alias as key')
      assert.equal(shutdownDateOf(listShutdownDates(byAlias), {provider: 'azure', model: 'ft:gpt-4o-2024-08-06:acme::x1'}), '2027-12-31')
      await fs.writeFile(file, JSON.stringify({retirements: {openai: {'gpt-4o': {shutdownDate: '14 Jan 2027'}}}}))
      assert.throws(() => loadCatalogOverrides(file), {code: 'CONFIG_INVALID'})
    })

    it('rejects a malformed file with CONFIG_INVALID', async () => {
      const file = path.join(dir, 'bad.json')
      await fs.writeFile(file, JSON.stringify({models: {'gpt-4o-mini': {trainingPerMillion: -1}}}))
      assert.throws(() => loadCatalogOverrides(file), {code: 'CONFIG_INVALID'})
      assert.throws(() => loadCatalogOverrides(path.join(dir, 'missing.json')), {code: 'CONFIG_INVALID'})
    })
  })
})
