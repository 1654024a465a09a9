import {parentPort, workerData} from 'node:worker_threads'
import {processBatch} from './process.js'
import type {SourceBatch} from './source.js'
import {contextFromSettings, type ProcessSettings} from './processing-context.js'

const context = contextFromSettings(workerData as ProcessSettings)

parentPort!.on('message', ({id, batch}: {id: number; batch: SourceBatch}) => {
  try {
    const processed = processBatch(batch, context)
    parentPort!.postMessage({id, batch: processed}, [processed.utf8.buffer])
  } catch (error) {
    parentPort!.postMessage({id, error: (error as Error).message})
  }
})
