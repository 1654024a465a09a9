/** An error the stand-in answers with, in OpenAI's envelope (contract §2). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }

  toBody(): {error: {message: string; type: string; param: string | null; code: string | null}} {
    return {error: {message: this.message, type: this.type, param: this.param, code: this.code}}
  }
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null): ApiError =>
  new ApiError(400, message, 'invalid_request_error', param, code)

export const noSuchFile = (id: string): ApiError =>
  new ApiError(404, `No such File object: ${id}`, 'invalid_request_error', 'id')

export const noSuchJob = (id: string): ApiError =>
  new ApiError(404, `Could not find fine-tune: ${id}`, 'invalid_request_error', 'id')

export const modelNotFound = (model: string): ApiError =>
  new ApiError(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    null,
    'model_not_found',
  )

export const invalidUrl = (method: string, path: string): ApiError =>
  new ApiError(404, `Invalid URL (${method} ${path})`)

/** The body a fault or a status-only error answers with, by status, in the wording the real API uses. */
export function errorForStatus(status: number, headers: Record<string, string> = {}): ApiError {
  if (status === 429) {
    return new ApiError(
      429,
      'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
      'requests',
      null,
      'rate_limit_exceeded',
      headers,
    )
  }
  if (status >= 500) {
    const message =
      status === 503
        ? 'The engine is currently overloaded, please try again later.'
        : 'The server had an error while processing your request. Sorry about that!'
    return new ApiError(status, message, 'server_error', null, null, headers)
  }
  return new ApiError(status, `Injected ${status} error.`, 'invalid_request_error', null, null, headers)
}
