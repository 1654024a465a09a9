import {parentPort, workerData} from 'node:worker_threads'
import type {SourceConversation} from './source.js'
import {contextFromSettings, processBatch, type ProcessSettings} from './worker-pool.js'

const context = contextFromSettings(workerData as ProcessSettings)

parentPort!.on('message', ({id, batch}: {id: number; batch: SourceConversation[]}) => {
  try {
    parentPort!.postMessage({id, batch: processBatch(batch, context)})
  } catch (error) {
    parentPort!.postMessage({id, error: (error as Error).message})
  }
})
