import {Worker} from 'node:worker_threads'
import type {SourceBatch} from './source.js'
import {processBatch, type ProcessContext, type ProcessedBatch} from './process.js'
import type {ProcessSettings} from './processing-context.js'

export interface ConversationProcessor {
  /** Queues a batch; results come back in submission order. */
  submit(batch: SourceBatch): Promise<ProcessedBatch>
  close(): Promise<void>
}

export function inlineProcessor(context: ProcessContext): ConversationProcessor {
  return {submit: async (batch) => processBatch(batch, context), close: async () => {}}
}

const WORKER_URL = new URL('./conversation-worker.js', import.meta.url)
// A worker holds a few batches at a time: a small old generation keeps the process's RSS down.
const WORKER_LIMITS = {maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16}

/** Built, the worker is a sibling .js file; run from source (tests, bench), the worker first registers tsx. */
function startWorker(settings: ProcessSettings): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(WORKER_URL, {workerData: settings, resourceLimits: WORKER_LIMITS})
  const source = new URL('./conversation-worker.ts', import.meta.url).href
  const bootstrap = `import('tsx/esm/api').then(({register}) => { register(); return import(${JSON.stringify(source)}) })`
  return new Worker(bootstrap, {eval: true, workerData: settings, resourceLimits: WORKER_LIMITS})
}

/**
 * Batches a worker may hold (the one it is on and those queued behind it). Enough that a worker never
 * waits for work while this thread is busy with Postgres (four were not: docs/performance.md).
 */
export const BATCHES_PER_WORKER = 8

/**
 * Redaction, verification and serialisation are CPU-bound and independent per
 * conversation: worker threads do them while this thread reads rows from
 * Postgres, writes files and de-duplicates. This thread processes no batch
 * itself: on two cores it has Postgres to share its core with, and taking
 * batches made exports slower and larger (docs/performance.md).
 */
export function workerProcessor(settings: ProcessSettings, size: number): ConversationProcessor {
  const workers = Array.from({length: size}, () => startWorker(settings))
  const pending = new Map<number, {resolve: (batch: ProcessedBatch) => void; reject: (error: Error) => void}>()
  let nextId = 0
  let failure: Error | undefined
  for (const worker of workers) {
    worker.on('message', (message: {id: number; batch?: ProcessedBatch; error?: string}) => {
      const waiter = pending.get(message.id)
      pending.delete(message.id)
      if (message.error !== undefined) waiter?.reject(new Error(message.error))
      else waiter?.resolve(message.batch!)
    })
    worker.on('error', (error) => {
      failure = error
      for (const waiter of pending.values()) waiter.reject(error)
      pending.clear()
    })
  }
  return {
    submit(batch) {
      if (failure !== undefined) return Promise.reject(failure)
      const id = nextId++
      const promise = new Promise<ProcessedBatch>((resolve, reject) => pending.set(id, {resolve, reject}))
      workers[id % workers.length].postMessage({id, batch}, 'copyText' in batch ? [batch.copyText.buffer] : [])
      return promise
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()))
    },
  }
}
