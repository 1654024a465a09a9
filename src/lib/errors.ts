/**
 * One exit-code table for every command. A number never gets a second meaning;
 * the README renders this table (test/lib/errors.test.ts keeps them in step).
 */
export const EXIT = Object.freeze({
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  CONFIG_INVALID: 3,
  DB_UNAVAILABLE: 4,
  INPUT_INVALID: 5,
  RUN_IN_PROGRESS: 6,
  API_ERROR: 7,
  BUDGET_EXCEEDED: 8,
  JOB_FAILED: 9,
  JOB_CANCELLED: 10,
  GATE_FAILED: 11,
  NOT_FOUND: 12,
  PII_SURVIVED: 13,
  TRAINING_UNAVAILABLE: 14,
  CHECK_FAILED: 15,
  PARTIAL: 16,
  STILL_RUNNING: 17,
  CONFLICT: 18,
  SYSTEM_ERROR: 19,
  MODEL_RETIRED: 20,
  JUDGE_UNREADABLE: 21,
  REVIEW_REQUIRED: 22,
  INTERRUPTED: 130,
} as const)

export type ErrorCode = keyof typeof EXIT

export const EXIT_MEANINGS: Readonly<Record<ErrorCode, string>> = Object.freeze({
  OK: 'success',
  UNEXPECTED: 'unexpected internal error (a bug: please report it)',
  USAGE: 'bad flags or arguments, or a prompt needed without a TTY (use --yes)',
  CONFIG_INVALID: 'configuration missing or invalid (environment or flags)',
  DB_UNAVAILABLE: 'database unreachable, or the embedded database could not be opened',
  INPUT_INVALID: 'input file or dataset is invalid',
  RUN_IN_PROGRESS: 'another run holds the lock; nothing was done',
  API_ERROR: 'the model provider API failed after retries',
  BUDGET_EXCEEDED: 'the cost estimate exceeds --max-cost or the monthly budget',
  JOB_FAILED: 'the fine-tuning job failed',
  JOB_CANCELLED: 'the fine-tuning job was cancelled',
  GATE_FAILED: 'the candidate did not pass the evaluation gate',
  NOT_FOUND: 'the named model, job, file or run does not exist',
  PII_SURVIVED: 'the verify pass found personal data after redaction; nothing was published',
  TRAINING_UNAVAILABLE: 'the provider refuses new fine-tuning jobs for this account or model',
  CHECK_FAILED: 'doctor: at least one check failed',
  PARTIAL: 'partly done: some items failed, the report lists them',
  STILL_RUNNING: 'the job is still running (watch timed out); resume with watch-job',
  CONFLICT: 'the state changed under this command (another change landed first); nothing was done',
  SYSTEM_ERROR: 'the operating system failed: a file could not be written or verified, or crontab/systemctl failed',
  MODEL_RETIRED: 'the model is past its shutdown date in the catalog; nothing was changed',
  JUDGE_UNREADABLE: 'evaluate: more than 10% of the judge\'s verdicts could not be read; no verdict was recorded',
  REVIEW_REQUIRED: 'tune/cycle with LOOPFT_REQUIRE_REVIEW: the dataset\'s sample is not reviewed, or too much of it was rejected; no job was started',
  INTERRUPTED: 'interrupted (Ctrl-C); work in flight was left resumable',
})

export interface LoopftErrorOptions {
  suggestion?: string
  /** Facts about the failure (an HTTP status, a job id). */
  details?: Record<string, unknown>
  /** The command's typed result as far as it got, when the failure comes after work was done. */
  result?: unknown
  cause?: unknown
}

/**
 * The one failure shape. The result contract: a command returns its typed
 * result and exits 0, or throws a LoopftError (exit code from EXIT) that
 * carries the partial result, if any, in `result`; `--json` prints the result
 * or `{"error": {code, message, exitCode, suggestion, details, result}}`.
 */
export class LoopftError extends Error {
  readonly code: ErrorCode
  readonly exitCode: number
  readonly suggestion?: string
  readonly details?: Record<string, unknown>
  readonly result?: unknown

  constructor(code: ErrorCode, message: string, options: LoopftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'LoopftError'
    this.code = code
    this.exitCode = EXIT[code]
    this.suggestion = options.suggestion
    this.details = options.details
    this.result = options.result
  }

  toJSON(): {code: ErrorCode; message: string; exitCode: number; suggestion?: string; details?: Record<string, unknown>; result?: unknown} {
    return {code: this.code, message: this.message, exitCode: this.exitCode, suggestion: this.suggestion, details: this.details, result: this.result}
  }
}

export function isLoopftError(error: unknown, code?: ErrorCode): error is LoopftError {
  return error instanceof LoopftError && (code === undefined || error.code === code)
}
