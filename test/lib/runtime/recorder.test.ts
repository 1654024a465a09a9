import assert from 'node:assert/strict'
import {createRecorder, type Recorder, type RecorderEvents} from '../../../src/recorder.js'
import {TEST_DATABASE_URL, useTestDatabase} from '../../support/db.js'
import {startTcpProxy} from '../../support/tcp-proxy.js'

const next = <E extends keyof RecorderEvents>(recorder: Recorder, event: E) =>
  new Promise<RecorderEvents[E]>((resolve) => {
    const off = recorder.on(event, (payload) => {
      off()
      resolve(payload)
    })
  })

const message = (index: number) => ({conversationId: `c-${index % 100}`, userId: `u-${index % 7}`, role: index % 2 ? 'assistant' : 'user', content: `message ${index}`})

describe('recorder', () => {
  const t = useTestDatabase()
  const count = async () => Number((await t.sql<{count: string}[]>`select count(*) from conversation_messages`)[0].count)
  beforeEach(() => t.sql`truncate conversation_messages`)

  it('writes a full batch at once, and a partial one after the flush interval', async () => {
    const recorder = createRecorder({sql: t.sql}, {batchSize: 3, flushIntervalMs: 20})
    try {
      const batch = next(recorder, 'flush')
      ;[0, 1, 2].forEach((index) => recorder.record(message(index)))
      assert.deepEqual(await batch, {rows: 3, queued: 0})
      const timed = next(recorder, 'flush')
      recorder.record(message(3))
      assert.deepEqual([await timed, await count()], [{rows: 1, queued: 0}, 4])
    } finally {
      await recorder.close()
    }
  })

  it('stores every column: ids, role, content, jsonb parts and metadata, the time of the message', async () => {
    const recorder = createRecorder({databaseUrl: t.url})
    const at = new Date('2026-11-20T08:00:00.123Z')
    const parts = [{type: 'text', text: 'look'}, {type: 'image_url', image_url: {url: 'https://example.com/a.png'}}]
    recorder.record({conversationId: 'c-9', userId: null, role: 'user', content: null, contentParts: parts, createdAt: at, metadata: {model: 'gpt-4o', rule: 'vision'}})
    await recorder.close()
    const [row] = await t.sql`select conversation_id, user_id, role, content, content_parts, created_at, metadata from conversation_messages`
    assert.deepEqual({...row}, {conversation_id: 'c-9', user_id: null, role: 'user', content: null, content_parts: parts, created_at: at, metadata: {model: 'gpt-4o', rule: 'vision'}})
  })

  it('under load: 20,000 messages from a tight loop, with back-pressure, all written once', async () => {
    const recorder = createRecorder({sql: t.sql}, {batchSize: 500, flushIntervalMs: 10, maxQueue: 2_000})
    let refusals = 0
    for (let index = 0; index < 20_000; index++) {
      while (!recorder.record(message(index))) {
        refusals += 1
        await recorder.flush()
      }
    }
    await recorder.close()
    const [{total, distinct}] = await t.sql<{total: string; distinct: string}[]>`select count(*) as total, count(distinct content) as distinct from conversation_messages`
    assert.deepEqual([Number(total), Number(distinct), refusals > 0], [20_000, 20_000, true])
  })

  it('close() writes everything still queued; nothing is accepted after it', async () => {
    const recorder = createRecorder({sql: t.sql}, {batchSize: 500, flushIntervalMs: 60_000})
    for (let index = 0; index < 1_234; index++) recorder.record(message(index))
    await recorder.close()
    assert.deepEqual([await count(), recorder.queued, recorder.record(message(0))], [1_234, 0, false])
  })

  it('refuses an invalid message with an error event, without throwing', async () => {
    const recorder = createRecorder({sql: t.sql})
    const failed = next(recorder, 'error')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    assert.deepEqual([recorder.record({role: 'user'} as never), recorder.record({conversationId: 'c', role: 'user', metadata: cyclic})], [false, false])
    assert.match(String((await failed).error), /conversationId and role/)
    await recorder.close()
  })

  it('a message the database rejects (a NUL byte) is dropped and reported; the rest of its batch is written', async () => {
    const recorder = createRecorder({sql: t.sql}, {batchSize: 3, flushIntervalMs: 60_000})
    const failed = next(recorder, 'error')
    ;[message(1), {...message(2), content: 'bad \u0000 byte'}, message(3)].forEach((item) => recorder.record(item))
    await recorder.close()
    const contents = (await t.sql<{content: string}[]>`select content from conversation_messages order by id`).map((row) => row.content)
    assert.deepEqual([contents, recorder.queued], [['message 1', 'message 3'], 0])
    assert.match(String((await failed).error), /rejected a message of conversation c-2; it was dropped/)
  })

  it('database down: bounded queue refuses the overflow, errors are reported, and nothing queued is lost once it is back', async () => {
    const proxy = await startTcpProxy({host: '127.0.0.1', port: Number(new URL(TEST_DATABASE_URL).port || 5432)})
    const recorder = createRecorder({databaseUrl: proxy.urlFor(t.url)}, {batchSize: 5, flushIntervalMs: 20, maxQueue: 10})
    try {
      await proxy.stop()
      const failed = next(recorder, 'error')
      const accepted = Array.from({length: 12}, (_, index) => recorder.record(message(index)))
      await failed
      assert.deepEqual([accepted.filter(Boolean).length, recorder.queued], [10, 10])
      await assert.rejects(recorder.flush())
      await proxy.start()
      await recorder.close()
      assert.equal(await count(), 10)
    } finally {
      await proxy.stop()
    }
  })

  it('recordRequest() writes served requests in batches beside the messages, refuses one without model or outcome, and a statement trigger rolls them up per day', async () => {
    await t.sql`truncate loopft_served_requests, loopft_served_daily`
    const recorder = createRecorder({sql: t.sql}, {batchSize: 50, flushIntervalMs: 60_000})
    const errors: unknown[] = []
    recorder.on('error', ({error}) => errors.push(error))
    const servedAt = (index: number) => new Date(Date.UTC(2026, 10, 1 + (index % 3), 12))
    for (let index = 0; index < 120; index++) {
      recorder.recordRequest({model: index % 2 ? 'gpt-4o' : 'gpt-4o-mini', provider: 'openai', rule: index % 2 ? 'vision' : 'default', outcome: 'ok', latencyMs: 100 + index, promptTokens: index, completionTokens: 1, servedAt: servedAt(index)})
    }
    const refused = recorder.recordRequest({model: '', provider: 'openai', rule: 'default', outcome: 'ok', latencyMs: 5})
    recorder.record(message(1))
    await recorder.close()
    const expected = await t.sql<{day: string; model: string; requests: string; prompt: string; latency: string}[]>`
      select to_char(served_at at time zone 'UTC', 'YYYY-MM-DD') as day, model, count(*) as requests, sum(prompt_tokens) as prompt, sum(latency_ms) as latency
      from loopft_served_requests group by 1, 2 order by 1, 2`
    const rolledUp = await t.sql<{day: string; model: string; requests: string; prompt: string; latency: string}[]>`
      select to_char(day, 'YYYY-MM-DD') as day, model, sum(requests) as requests, sum(prompt_tokens) as prompt, sum(latency_ms_sum) as latency
      from loopft_served_daily group by 1, 2 order by 1, 2`
    assert.deepEqual([refused, errors.length, await count(), expected.reduce((sum, row) => sum + Number(row.requests), 0)], [false, 1, 1, 120])
    assert.deepEqual(rolledUp, expected)
  })
})
