import {LoopftError} from './errors.js'
import {redactSecrets} from './secrets.js'

/** The operating system refusing a file operation: an operational failure, not a bug. */
const SYSTEM_ERRNOS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE'])
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED'])

/**
 * Translates any thrown value into a LoopftError, in one place: postgres.js by
 * SQLSTATE / error code, the openai SDK by error class name and status. Never by
 * matching message text, and the message is scrubbed of secrets.
 */
export function toLoopftError(error: unknown): LoopftError {
  if (error instanceof LoopftError) return error
  const candidate = error as {code?: unknown; name?: unknown; status?: unknown; message?: unknown; severity?: unknown}
  const message = redactSecrets(typeof candidate?.message === 'string' ? candidate.message : String(error))
  const code = typeof candidate?.code === 'string' ? candidate.code : undefined

  if (code !== undefined && CONNECTION_ERRNOS.has(code)) {
    return new LoopftError('DB_UNAVAILABLE', `database unreachable: ${message}`, {
      suggestion: 'check DATABASE_URL, or unset it to use the embedded database',
      cause: error,
    })
  }
  if (code !== undefined && typeof candidate.severity === 'string') return fromPostgres(code, message, error)
  if (code !== undefined && typeof (candidate as {syscall?: unknown}).syscall === 'string') {
    const translated = fromFileSystem(code, message, error)
    if (translated !== undefined) return translated
  }
  if (code !== undefined && SYSTEM_ERRNOS.has(code)) return new LoopftError('SYSTEM_ERROR', message, {suggestion: 'check free space and permissions', cause: error})
  // The SDK's errors keep name 'Error'; the class name tells a connection failure (no status) apart.
  const className = String((error as {constructor?: {name?: unknown}})?.constructor?.name ?? '')
  if (typeof candidate?.status === 'number' || String(candidate?.name ?? '').startsWith('API') || className.startsWith('API')) return fromOpenAI(candidate, message, error)
  return new LoopftError('UNEXPECTED', message, {cause: error})
}

const FILE_SYSTEM_SUGGESTIONS: Record<string, string> = {
  ENOSPC: 'free disk space (or point the output folder, LOOPFT_OUT_DIR, at a larger disk) and run again',
  EDQUOT: 'the disk quota is used up: free space and run again',
  EROFS: 'the folder is on a read-only file system: point the output folder (LOOPFT_OUT_DIR) at a writable one',
  EACCES: 'check the folder\'s permissions for the user running loopft',
  EPERM: 'check the folder\'s permissions for the user running loopft',
  EIO: 'the disk reported an I/O error: check it before running again',
  EMFILE: 'too many open files: raise the limit (ulimit -n)',
  ENFILE: 'the system has too many open files: try again later',
}

// A path that names something else than a folder is a setting to fix, not a file system failure.
const NOT_A_FOLDER = new Set(['ENOTDIR', 'EEXIST', 'EISDIR'])

function fromFileSystem(errno: string, message: string, cause: unknown): LoopftError | undefined {
  if (NOT_A_FOLDER.has(errno)) {
    return new LoopftError('CONFIG_INVALID', `a path is not what loopft needs there: ${message}`, {
      suggestion: 'check the output folder (LOOPFT_OUT_DIR) and LOOPFT_HOME: each must name a folder, or nothing yet', cause,
    })
  }
  const suggestion = FILE_SYSTEM_SUGGESTIONS[errno] ?? (errno === 'ENOENT' && (cause as {syscall?: unknown}).syscall === 'mkdir' ? 'this folder cannot be created here: point the output folder (LOOPFT_OUT_DIR) elsewhere' : undefined)
  return suggestion === undefined ? undefined : new LoopftError('SYSTEM_ERROR', message, {suggestion, cause})
}

function fromPostgres(sqlstate: string, message: string, cause: unknown): LoopftError {
  // Class 08: connection exception; 57P0x: server shutting down; 53: insufficient resources.
  if (sqlstate.startsWith('08') || sqlstate.startsWith('57P') || sqlstate.startsWith('53')) {
    return new LoopftError('DB_UNAVAILABLE', `database unavailable (${sqlstate}): ${message}`, {cause})
  }
  if (sqlstate === '28000' || sqlstate === '28P01' || sqlstate === '3D000') {
    return new LoopftError('DB_UNAVAILABLE', `cannot connect to the database (${sqlstate}): ${message}`, {
      suggestion: 'check the user, password and database name in DATABASE_URL',
      cause,
    })
  }
  if (sqlstate === '3F000' || sqlstate === '42501') {
    return new LoopftError('CONFIG_INVALID', `the database refuses loopft's schema (${sqlstate}): ${message}`, {
      suggestion: 'check the schema (search_path) in DATABASE_URL and that its role may create tables there',
      cause,
    })
  }
  return new LoopftError('UNEXPECTED', `database error ${sqlstate}: ${message}`, {cause})
}

function fromOpenAI(error: {name?: unknown; status?: unknown; code?: unknown}, message: string, cause: unknown): LoopftError {
  const status = typeof error.status === 'number' ? error.status : undefined
  if (status === 401) {
    return new LoopftError('CONFIG_INVALID', `the API rejected the key: ${message}`, {suggestion: 'check OPENAI_API_KEY and OPENAI_BASE_URL', cause})
  }
  if (status === 404) return new LoopftError('NOT_FOUND', message, {cause})
  return new LoopftError('API_ERROR', status === undefined ? `API unreachable: ${message}` : message, {
    suggestion: status === undefined ? 'check the network and OPENAI_BASE_URL' : undefined,
    details: {status, apiCode: typeof error.code === 'string' ? error.code : undefined},
    cause,
  })
}
