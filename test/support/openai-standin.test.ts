import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {countTokens} from 'gpt-tokenizer/model/gpt-4o'
import OpenAI, {toFile} from 'openai'
import {parseMultipart} from './openai-standin/multipart.js'
import {useOpenAIStandin} from './openai.js'

/** n examples in the supervised chat format, one per line. */
function dataset(n: number): string {
  return Array.from({length: n}, (_, i) =>
    JSON.stringify({
      messages: [
        {role: 'user', content: `What is ${i} plus one?`},
        {role: 'assistant', content: `It is ${i + 1}.`},
      ],
    }),
  )
    .map((line) => `${line}\n`)
    .join('')
}

/** The cookbook's count for dataset(n), restated independently of the stand-in. */
function datasetTokens(n: number): number {
  let total = 0
  for (let i = 0; i < n; i++) {
    total += 3 + (3 + countTokens('user') + countTokens(`What is ${i} plus one?`))
    total += 3 + countTokens('assistant') + countTokens(`It is ${i + 1}.`)
  }
  return total
}

describe('OpenAI stand-in', () => {
  describe('multipart parser', () => {
    const body = (parts: string[]) => Buffer.from(`preamble\r\n--xyz\r\n${parts.join('\r\n--xyz\r\n')}\r\n--xyz--\r\n`)

    it('reads fields and files, keeping CRLF and boundary-like text inside a file', () => {
      const form = parseMultipart(
        body([
          'Content-Disposition: form-data; name="purpose"\r\n\r\nfine-tune',
          'Content-Disposition: form-data; name="file"; filename="a%22b.jsonl"\r\nContent-Type: text/plain\r\n\r\nline--xyz\r\n--xy\r\n',
          'Content-Disposition: form-data; name="empty"; filename="e.jsonl"\r\n\r\n',
        ]),
        'multipart/form-data; boundary="xyz"',
      )
      assert.deepEqual([...form.fields], [['purpose', 'fine-tune']])
      assert.deepEqual(
        form.files.map((file) => [file.field, file.filename, file.contentType, file.data.toString()]),
        [
          ['file', 'a"b.jsonl', 'text/plain', 'line--xyz\r\n--xy\r\n'],
          ['empty', 'e.jsonl', 'application/octet-stream', ''],
        ],
      )
    })

    it('rejects a truncated body and a missing boundary with a 400', () => {
      const truncated = Buffer.from('--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine')
      assert.throws(() => parseMultipart(truncated, 'multipart/form-data; boundary=b'), {status: 400})
      assert.throws(() => parseMultipart(Buffer.from('x'), 'application/json'), {status: 400})
    })
  })

  const openai = useOpenAIStandin()

  async function upload(client: OpenAI, content: string, name = 'train.jsonl') {
    return client.files.create({file: await toFile(Buffer.from(content), name), purpose: 'fine-tune'})
  }

  async function createJob(client: OpenAI, examples = 12, extra: Partial<OpenAI.FineTuning.JobCreateParams> = {}) {
    const file = await upload(client, dataset(examples))
    return client.fineTuning.jobs.create({model: 'gpt-4o-mini', training_file: file.id, ...extra})
  }

  describe('files', () => {
    it('stores a buffered upload and serves, lists and deletes it', async () => {
      const client = openai.client()
      const file = await client.files.create({
        file: await toFile(Buffer.from(dataset(10)), 'train.jsonl'),
        purpose: 'fine-tune',
        expires_after: {anchor: 'created_at', seconds: 3600},
      })
      assert.match(file.id, /^file-/)
      assert.deepEqual(
        [file.object, file.filename, file.purpose, file.status, file.bytes, file.expires_at],
        ['file', 'train.jsonl', 'fine-tune', 'processed', Buffer.byteLength(dataset(10)), file.created_at + 3600],
      )
      assert.deepEqual(await client.files.retrieve(file.id), file)
      assert.equal(await (await client.files.content(file.id)).text(), dataset(10))
      const listed = await client.files.list({purpose: 'fine-tune'})
      assert.deepEqual(listed.data.map((f) => f.id), [file.id])
      assert.deepEqual(await client.files.delete(file.id), {id: file.id, object: 'file', deleted: true})
      await assert.rejects(client.files.retrieve(file.id), (error) => {
        assert.ok(error instanceof OpenAI.NotFoundError)
        assert.equal(error.message, `404 No such File object: ${file.id}`)
        assert.equal(error.param, 'id')
        assert.match(error.requestID ?? '', /^req_/)
        return true
      })
    })

    it('parses a streamed upload (fs.createReadStream, openai-<random> boundary, chunked)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-'))
      const filePath = path.join(dir, 'streamed "name".jsonl')
      const content = `${dataset(3)}${'x'.repeat(200_000)}\r\n--openai-fake\r\n`
      fs.writeFileSync(filePath, content)
      try {
        const file = await openai.client().files.create({file: fs.createReadStream(filePath), purpose: 'fine-tune'})
        assert.equal(file.filename, 'streamed "name".jsonl')
        assert.equal(file.bytes, Buffer.byteLength(content))
        assert.equal(openai.standin.store.files.get(file.id)?.content.toString(), content)
      } finally {
        fs.rmSync(dir, {recursive: true})
      }
    })

    it('rejects an upload without a purpose the API knows', async () => {
      const client = openai.client()
      const file = await toFile(Buffer.from('x'), 'a.jsonl')
      await assert.rejects(
        client.files.create({file, purpose: 'nonsense' as 'fine-tune'}),
        (error) => error instanceof OpenAI.BadRequestError && error.param === 'purpose',
      )
    })
  })

  describe('fine-tuning jobs', () => {
    it('goes validating_files → queued → running → succeeded, then names, bills and registers the model', async () => {
      const client = openai.client()
      const job = await createJob(client, 12, {
        suffix: 'weekly',
        method: {type: 'supervised', supervised: {hyperparameters: {n_epochs: 2}}},
        metadata: {dataset: 'abc'},
      })
      assert.deepEqual(
        [job.status, job.model, job.fine_tuned_model, job.trained_tokens, job.result_files, job.hyperparameters.n_epochs],
        ['validating_files', 'gpt-4o-mini-2024-07-18', null, null, [], 2],
      )
      const seen = []
      for (let i = 0; i < 3; i++) {
        openai.standin.advance()
        seen.push((await client.fineTuning.jobs.retrieve(job.id)).status)
      }
      assert.deepEqual(seen, ['queued', 'running', 'succeeded'])

      const done = await client.fineTuning.jobs.retrieve(job.id)
      assert.match(done.fine_tuned_model ?? '', /^ft:gpt-4o-mini-2024-07-18:standin-org:weekly:[A-Za-z0-9]{8}$/)
      assert.equal(done.trained_tokens, datasetTokens(12) * 2)
      assert.ok(done.finished_at !== null && done.finished_at >= done.created_at)
      assert.deepEqual(done.metadata, {dataset: 'abc'})

      const csv = await (await client.files.content(done.result_files[0])).text()
      assert.equal(csv.split('\n')[0], 'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy')
      assert.equal(csv.trim().split('\n').length, 1 + 12 * 2)

      const model = await client.models.retrieve(done.fine_tuned_model ?? '')
      assert.equal(model.owned_by, 'org-standin')
      assert.ok((await client.models.list()).data.some((m) => m.id === done.fine_tuned_model))
      const checkpoints = await client.fineTuning.jobs.checkpoints.list(job.id)
      assert.deepEqual(checkpoints.data.map((c) => c.step_number), [24, 12])
      assert.equal(checkpoints.data[0].fine_tuned_model_checkpoint, `${done.fine_tuned_model}:ckpt-step-24`)
    })

    it('resolves n_epochs "auto" with the cookbook heuristic and bills the tokens × epochs', async () => {
      const client = openai.client()
      const job = await createJob(client, 10)
      assert.equal(job.hyperparameters.n_epochs, 'auto')
      const done = openai.standin.advanceJob(job.id, 'succeeded')
      assert.equal(done.hyperparameters.n_epochs, 10)
      assert.equal(done.trained_tokens, datasetTokens(10) * 10)
    })

    it('lists events newest first with limit/after pagination', async () => {
      const client = openai.client()
      const job = await createJob(client, 12, {hyperparameters: {n_epochs: 1}})
      openai.standin.advanceJob(job.id, 'succeeded')
      const all = []
      for await (const event of client.fineTuning.jobs.listEvents(job.id, {limit: 3})) all.push(event)
      const messages = all.map((event) => event.message)
      assert.equal(messages[0], 'The job has successfully completed')
      assert.match(messages[1], /^New fine-tuned model created: ft:/)
      assert.ok(messages.includes('Fine-tuning job started'))
      assert.ok(messages.some((m) => /^Step 12\/12: training loss=\d/.test(m)))
      assert.equal(messages.at(-1), `Created fine-tuning job: ${job.id}`)
      assert.match(messages.at(-2) ?? '', /^Validating training file: file-/)
      const times = all.map((event) => event.created_at)
      assert.deepEqual(times, [...times].sort((a, b) => b - a))
      assert.equal(new Set(times).size, times.length)

      const first = await client.fineTuning.jobs.listEvents(job.id, {limit: 2})
      assert.deepEqual([first.data.length, first.has_more], [2, true])
      const next = await client.fineTuning.jobs.listEvents(job.id, {limit: 2, after: first.data[1].id})
      assert.deepEqual(next.data.map((e) => e.id), all.slice(2, 4).map((e) => e.id))
    })

    it('pages jobs newest first and filters them by metadata', async () => {
      const client = openai.client()
      const file = await upload(client, dataset(10))
      const ids = []
      for (const tag of ['a', 'b', 'a']) {
        const job = await client.fineTuning.jobs.create({model: 'gpt-4o-mini', training_file: file.id, metadata: {tag}})
        ids.push(job.id)
      }
      const page = await client.fineTuning.jobs.list({limit: 2})
      assert.deepEqual([page.data.map((j) => j.id), page.has_more], [[ids[2], ids[1]], true])
      const tagged = []
      for await (const job of client.fineTuning.jobs.list({metadata: {tag: 'a'}, limit: 1})) tagged.push(job.id)
      assert.deepEqual(tagged, [ids[2], ids[0]])
    })

    it('fails a job whose training file breaks the dataset rules, or when told to', async () => {
      const client = openai.client()
      const small = await createJob(client, 9)
      const failed = openai.standin.advanceJob(small.id, 'succeeded')
      assert.equal(failed.status, 'failed')
      assert.deepEqual(failed.error, {
        code: 'invalid_training_file',
        message: 'Invalid file format. Training file has 9 example(s), but must have at least 10 examples.',
        param: 'training_file',
      })
      assert.equal(failed.fine_tuned_model, null)

      const noAssistant = `${JSON.stringify({messages: [{role: 'developer', content: 'x'}]})}\n`.repeat(10)
      const bad = await client.fineTuning.jobs.create({
        model: 'gpt-4.1-mini-2025-04-14',
        training_file: (await upload(client, noAssistant)).id,
      })
      assert.match(openai.standin.advanceJob(bad.id).error?.message ?? '', /Line 1, message 1: unrecognized role "developer"/)

      openai.standin.failNextJobValidation('Bad data on purpose.')
      const forced = await createJob(client)
      openai.standin.advance(3)
      const job = await client.fineTuning.jobs.retrieve(forced.id)
      assert.deepEqual([job.status, job.error?.message], ['failed', 'Bad data on purpose.'])
    })

    it('cancels an unfinished job and refuses to cancel it twice', async () => {
      const client = openai.client()
      const job = await createJob(client)
      openai.standin.advance()
      const cancelled = await client.fineTuning.jobs.cancel(job.id)
      assert.deepEqual([cancelled.status, cancelled.fine_tuned_model], ['cancelled', null])
      await assert.rejects(client.fineTuning.jobs.cancel(job.id), OpenAI.BadRequestError)
      assert.equal(openai.standin.advanceJob(job.id, 'succeeded').status, 'cancelled')
    })

    it('validates the create request field by field', async () => {
      const client = openai.client({maxRetries: 0})
      const file = await upload(client, dataset(10))
      const other = await client.files.create({file: await toFile(Buffer.from('{}'), 'a.jsonl'), purpose: 'assistants'})
      const textFile = await upload(client, dataset(10), 'train.txt')
      const cases: [Partial<OpenAI.FineTuning.JobCreateParams>, string][] = [
        [{model: 'gpt-4-0613'}, 'model'],
        [{training_file: 'file-missing'}, 'training_file'],
        [{training_file: other.id}, 'training_file'],
        [{suffix: 'x'.repeat(65)}, 'suffix'],
        [{hyperparameters: {n_epochs: 51}}, 'hyperparameters.n_epochs'],
        [{method: {type: 'supervised', supervised: {hyperparameters: {n_epochs: 0}}}}, 'method.supervised.hyperparameters.n_epochs'],
        [{metadata: Object.fromEntries(Array.from({length: 17}, (_, i) => [`k${i}`, 'v']))}, 'metadata'],
        [{validation_file: file.id}, 'validation_file'],
        [{training_file: textFile.id}, 'training_file'],
      ]
      for (const [params, param] of cases) {
        await assert.rejects(
          client.fineTuning.jobs.create({model: 'gpt-4o-mini', training_file: file.id, ...params}),
          (error) => error instanceof OpenAI.BadRequestError && error.param === param,
          param,
        )
      }
      assert.equal(openai.standin.store.jobs.size, 0)
    })

    it('advances a job on each poll when advanceOnPoll is on', async () => {
      const client = openai.client()
      const job = await createJob(client)
      openai.standin.setAdvanceOnPoll(true)
      const statuses = []
      for (let i = 0; i < 4; i++) statuses.push((await client.fineTuning.jobs.retrieve(job.id)).status)
      assert.deepEqual(statuses, ['queued', 'running', 'succeeded', 'succeeded'])
    })

    it('lets a subprocess (the CLI) drive a job to the end through OPENAI_BASE_URL and advanceOnPoll', async () => {
      const job = await createJob(openai.client())
      openai.standin.setAdvanceOnPoll(true)
      const poller = `
        import OpenAI from 'openai'
        const client = new OpenAI()
        let job
        do job = await client.fineTuning.jobs.retrieve(process.argv[1]); while (!['succeeded', 'failed', 'cancelled'].includes(job.status))
        console.log(job.fine_tuned_model)`
      // Asynchronous on purpose: the stand-in serves from this process's event loop (spawnSync would deadlock).
      const {stdout} = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', poller, job.id], {
        env: {...process.env, ...openai.env()},
        timeout: 60_000, // never outlives a timed-out test by long
      })
      assert.equal(stdout.trim(), openai.standin.store.jobs.get(job.id)?.fine_tuned_model)
    })

    it('reports the three forms of "no error" on healthy jobs, one per job in turn', async () => {
      const client = openai.client()
      const errors = []
      for (let i = 0; i < 3; i++) errors.push((await createJob(client)).error)
      assert.deepEqual(errors, [null, {}, {code: null, message: null, param: null}])
    })

    it('continues training from a fine-tuned model', async () => {
      const client = openai.client()
      const first = openai.standin.advanceJob((await createJob(client)).id, 'succeeded')
      const again = await createJob(client, 10, {model: first.fine_tuned_model ?? ''})
      assert.equal(again.model, first.fine_tuned_model)
      const done = openai.standin.advanceJob(again.id, 'succeeded')
      assert.match(done.fine_tuned_model ?? '', /^ft:gpt-4o-mini-2024-07-18:standin-org::/)
    })
  })

  describe('models and chat', () => {
    it('deletes an owned fine-tuned model, after which it is model_not_found everywhere', async () => {
      const client = openai.client()
      const model = openai.standin.advanceJob((await createJob(client)).id, 'succeeded').fine_tuned_model ?? ''
      assert.deepEqual(await client.models.delete(model), {id: model, object: 'model', deleted: true})
      assert.ok(openai.standin.requests.some((r) => r.method === 'DELETE' && r.path === `/models/${model}`))
      const notFound = (error: unknown) => {
        assert.ok(error instanceof OpenAI.NotFoundError)
        assert.equal(error.code, 'model_not_found')
        assert.equal(error.message, `404 The model \`${model}\` does not exist or you do not have access to it.`)
        return true
      }
      await assert.rejects(client.models.retrieve(model), notFound)
      await assert.rejects(client.models.delete(model), notFound)
      await assert.rejects(
        client.chat.completions.create({model, messages: [{role: 'user', content: 'hi'}]}),
        notFound,
      )
      await assert.rejects(client.models.delete('gpt-4o-mini'), OpenAI.PermissionDeniedError)
    })

    it('answers chats deterministically, per model behaviour, with usage and max_completion_tokens', async () => {
      const client = openai.client()
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        {role: 'system', content: 'Be brief.'},
        {role: 'user', content: 'What BPM is house?'},
      ]
      const ask = async (model: string, max?: number) =>
        client.chat.completions.create({model, messages, seed: 7, max_completion_tokens: max})
      const first = await ask('gpt-4o-mini')
      assert.equal(first.choices[0].message.content, 'gpt-4o-mini answers: What BPM is house?')
      assert.equal((await ask('gpt-4o-mini')).choices[0].message.content, first.choices[0].message.content)
      assert.equal(first.usage?.completion_tokens, countTokens('gpt-4o-mini answers: What BPM is house?'))
      assert.equal(first.usage?.total_tokens, (first.usage?.prompt_tokens ?? 0) + (first.usage?.completion_tokens ?? 0))

      openai.standin.setChatBehaviour('gpt-4.1-mini', (history) => `Around 125 BPM (${history.length} messages).`)
      assert.equal((await ask('gpt-4.1-mini')).choices[0].message.content, 'Around 125 BPM (2 messages).')
      const cut = await ask('gpt-4.1-mini', 2)
      assert.deepEqual([cut.choices[0].finish_reason, cut.usage?.completion_tokens], ['length', 2])
    })
  })

  describe('faults and policies', () => {
    it('lets the SDK retry a 429 that carries retry-after-ms', async () => {
      const client = openai.client({maxRetries: 2})
      const job = await createJob(client)
      openai.standin.injectFault({method: 'GET', path: /^\/fine_tuning\/jobs\/[^/]+$/, status: 429, retryAfterMs: 10, times: 2})
      const start = openai.standin.requests.length
      assert.equal((await client.fineTuning.jobs.retrieve(job.id)).id, job.id)
      const attempts = openai.standin.requests.slice(start)
      assert.deepEqual(attempts.map((r) => [r.retryCount, r.status]), [[0, 429], [1, 429], [2, 200]])

      openai.standin.injectFault({path: /^\/fine_tuning\/jobs\/[^/]+$/, status: 503, shouldRetry: false})
      await assert.rejects(client.fineTuning.jobs.retrieve(job.id), OpenAI.InternalServerError)
      assert.equal(openai.standin.requests.at(-1)?.retryCount, 0)
    })

    it('retries a 500 on a buffered upload but never on a streamed one', async () => {
      const client = openai.client({maxRetries: 2})
      openai.standin.injectFault({path: '/files', status: 500, retryAfterMs: 10})
      await upload(client, dataset(10))
      assert.deepEqual(openai.standin.requests.map((r) => r.status), [500, 200])

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-'))
      fs.writeFileSync(path.join(dir, 'train.jsonl'), dataset(10))
      openai.standin.injectFault({path: '/files', status: 500, retryAfterMs: 10})
      try {
        await assert.rejects(
          client.files.create({file: fs.createReadStream(path.join(dir, 'train.jsonl')), purpose: 'fine-tune'}),
          OpenAI.InternalServerError,
        )
      } finally {
        fs.rmSync(dir, {recursive: true})
      }
      assert.equal(openai.standin.requests.length, 3)
    })

    it('commit-then-drop: the job exists although the client saw only a dropped connection', async () => {
      const client = openai.client({maxRetries: 0})
      const file = await upload(client, dataset(10))
      openai.standin.injectFault({method: 'POST', path: '/fine_tuning/jobs', kind: 'commit-then-drop'})
      await assert.rejects(
        client.fineTuning.jobs.create({model: 'gpt-4o-mini', training_file: file.id, metadata: {key: 'k1'}}),
        OpenAI.APIConnectionError,
      )
      const found = await client.fineTuning.jobs.list({metadata: {key: 'k1'}})
      assert.equal(found.data.length, 1)

      openai.standin.injectFault({method: 'POST', path: '/fine_tuning/jobs', kind: 'commit-then-status', status: 500, retryAfterMs: 10})
      await openai.client({maxRetries: 1}).fineTuning.jobs.create({model: 'gpt-4o-mini', training_file: file.id})
      assert.equal(openai.standin.store.jobs.size, 3, 'a retried create made a second job: the hazard loopft must handle')
    })

    it('drops connections and answers slowly on request', async () => {
      openai.standin.injectFault({path: '/models', kind: 'drop-connection'})
      await assert.rejects(openai.client({maxRetries: 0}).models.list(), OpenAI.APIConnectionError)
      openai.standin.injectFault({path: '/models', kind: 'delay', delayMs: 300})
      await assert.rejects(
        openai.client({maxRetries: 0, timeout: 50}).models.list(),
        OpenAI.APIConnectionTimeoutError,
      )
      assert.ok((await openai.client().models.list()).data.length > 0)
    })

    it('refuses job creation for an account no longer allowed to fine-tune', async () => {
      const client = openai.client()
      const file = await upload(client, dataset(10))
      openai.standin.refuseFineTuning()
      await assert.rejects(
        client.fineTuning.jobs.create({model: 'gpt-4o-mini', training_file: file.id}),
        (error) => error instanceof OpenAI.PermissionDeniedError && /fine-tuning/.test(error.message),
      )
      openai.standin.allowFineTuning()
      assert.equal((await client.fineTuning.jobs.create({model: 'gpt-4o-mini', training_file: file.id})).status, 'validating_files')
    })

    it('answers a wrong API key with 401 invalid_api_key', async () => {
      openai.standin.setApiKey('sk-right')
      await assert.rejects(openai.client({apiKey: 'sk-wrong-key'}).models.list(), (error) => {
        return error instanceof OpenAI.AuthenticationError && error.code === 'invalid_api_key'
      })
      assert.ok((await openai.client({apiKey: 'sk-right'}).models.list()).data.length > 0)
    })
  })
})
