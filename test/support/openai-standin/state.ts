import {randomBytes} from 'node:crypto'
import type {DatasetSummary} from './dataset.js'

export type JobStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled']

export interface StoredFile {
  id: string
  object: 'file'
  bytes: number
  created_at: number
  filename: string
  purpose: string
  status: 'processed'
  expires_at?: number
  status_details: null
  content: Buffer
}

export interface Hyperparameters {
  n_epochs: number | 'auto'
  batch_size: number | 'auto'
  learning_rate_multiplier: number | 'auto'
}

export interface JobError {
  code: string
  message: string
  param: string | null
}

export interface StoredJob {
  id: string
  created_at: number
  model: string
  /** The base snapshot whose name and limits the fine-tuned model inherits. */
  base: string
  training_file: string
  validation_file: string | null
  suffix: string | null
  seed: number
  hyperparameters: Hyperparameters
  metadata: Record<string, string> | null
  status: JobStatus
  fine_tuned_model: string | null
  finished_at: number | null
  estimated_finish: number | null
  trained_tokens: number | null
  result_files: string[]
  error: JobError | null
  dataset?: DatasetSummary
  /** Which of the three "no error" forms this job reports (contract §4.5, §10.7). */
  errorForm: 'null' | 'empty' | 'nulls'
}

export interface JobEvent {
  object: 'fine_tuning.job.event'
  id: string
  created_at: number
  level: 'info' | 'warn' | 'error'
  message: string
  data: Record<string, unknown> | null
  type: 'message' | 'metrics'
}

export interface Checkpoint {
  object: 'fine_tuning.job.checkpoint'
  id: string
  created_at: number
  fine_tuned_model_checkpoint: string
  fine_tuning_job_id: string
  step_number: number
  metrics: Record<string, number>
}

export interface FineTunedModel {
  id: string
  object: 'model'
  created: number
  owned_by: string
}

export type Store = ReturnType<typeof createStore>

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function randomAlphanumeric(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('')
}

/** All in-memory state of one stand-in. Ids sort in creation order. */
export function createStore(org: {id: string; slug: string}) {
  let sequence = 0
  return {
    org,
    files: new Map<string, StoredFile>(),
    jobs: new Map<string, StoredJob>(),
    /** Per job, oldest first. */
    events: new Map<string, JobEvent[]>(),
    checkpoints: new Map<string, Checkpoint[]>(),
    models: new Map<string, FineTunedModel>(),
    /** When set, job creation is refused with this message (an account no longer allowed to fine-tune). */
    fineTuningRefusal: null as string | null,
    /** Messages for the next jobs to fail validation, in order. */
    forcedValidationFailures: [] as string[],

    /** `prefix` + a sequence that sorts in creation order + random tail, e.g. `ftjob-0001a…`. */
    newId(prefix: string): string {
      sequence += 1
      return `${prefix}${sequence.toString(36).padStart(5, '0')}${randomAlphanumeric(19)}`
    },

    /** Unix seconds of the wall clock. */
    now(): number {
      return Math.floor(Date.now() / 1000)
    },

    clear(): void {
      for (const map of [this.files, this.jobs, this.events, this.checkpoints, this.models]) map.clear()
      this.fineTuningRefusal = null
      this.forcedValidationFailures = []
    },
  }
}
