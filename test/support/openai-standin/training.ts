export type StepMetrics = {
  step: number
  train_loss: number
  train_mean_token_accuracy: number
  valid_loss?: number
  valid_mean_token_accuracy?: number
}

export interface TrainingRun {
  totalSteps: number
  /** The steps reported as metrics events: about ten, always including the last. */
  reported: StepMetrics[]
  /** One per epoch, the last three kept (as the real service keeps). */
  checkpoints: StepMetrics[]
  /** The `fine-tune-results` file: one row per step. */
  csv: string
}

const REPORTED_STEPS = 10
const KEPT_CHECKPOINTS = 3

/** Made-up but plausible and deterministic step metrics: loss decays with the step, jittered by the seed. */
export function trainingRun(options: {
  examples: number
  epochs: number
  batchSize: number
  seed: number
  hasValidation: boolean
}): TrainingRun {
  const stepsPerEpoch = Math.ceil(options.examples / options.batchSize)
  const totalSteps = stepsPerEpoch * options.epochs
  const metricsAt = (step: number): StepMetrics => {
    const jitter = 0.05 * Math.sin(step * 12.9898 + options.seed)
    const train_loss = round(1.8 * Math.exp((-3 * step) / totalSteps) + 0.2 + jitter)
    const metrics: StepMetrics = {step, train_loss, train_mean_token_accuracy: round(1 - train_loss / 2.5)}
    if (options.hasValidation) {
      metrics.valid_loss = round(train_loss + 0.1)
      metrics.valid_mean_token_accuracy = round(1 - (train_loss + 0.1) / 2.5)
    }
    return metrics
  }
  const all = Array.from({length: totalSteps}, (_, index) => metricsAt(index + 1))
  const every = Math.max(1, Math.floor(totalSteps / REPORTED_STEPS))
  return {
    totalSteps,
    reported: all.filter(({step}) => step % every === 0 || step === totalSteps),
    checkpoints: all.filter(({step}) => step % stepsPerEpoch === 0).slice(-KEPT_CHECKPOINTS),
    csv: toCsv(all),
  }
}

function toCsv(rows: StepMetrics[]): string {
  const header = 'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy'
  const lines = rows.map((row) =>
    [row.step, row.train_loss, row.train_mean_token_accuracy, row.valid_loss ?? '', row.valid_mean_token_accuracy ?? ''].join(','),
  )
  return `${[header, ...lines].join('\n')}\n`
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000
