import {once} from 'node:events'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import {LoopftError} from '../errors.js'
import {toLoopftError} from '../error-translation.js'
import {lockDirectory} from './directory-lock.js'

export type Sql = postgres.Sql

export interface Database {
  readonly sql: Sql
  /** 'pglite' is the embedded default: advisory locks and NOTIFY do not work across its connections. */
  readonly kind: 'postgres' | 'pglite'
  /** How another thread opens its own connection to the same server (servers only; never logged: the URL may hold a password). */
  readonly server?: ServerAddress
  close(): Promise<void>
}

export interface ServerAddress {
  url: string
  parameters: Record<string, string>
}

export interface DatabaseOptions {
  databaseUrl?: string
  /** Where the embedded database lives when no databaseUrl is given. */
  home: string
  /** Tests run each file in its own schema. */
  searchPath?: string
  max?: number
}

const SHARED_OPTIONS = {
  onnotice: () => {},
  connect_timeout: 10,
  idle_timeout: 30,
} as const

/**
 * Opens the one postgres.js pool a process uses: the server named by databaseUrl,
 * or the embedded PGlite database under `home`, served on a Unix socket inside
 * it so the same postgres.js code runs on both.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl === undefined ? openEmbedded(options) : openServer(options.databaseUrl, options)
}

async function openServer(url: string, options: DatabaseOptions): Promise<Database> {
  const server = {url, parameters: connectionParameters(options)}
  const sql = connectServer(server, options.max ?? 4)
  await ping(sql)
  return {sql, kind: 'postgres', server, close: () => sql.end({timeout: 5})}
}

/** A postgres.js pool of up to `max` connections to a server. */
export function connectServer(server: ServerAddress, max: number): Sql {
  return postgres(server.url, {...SHARED_OPTIONS, max, connection: server.parameters}) as unknown as Sql
}

/**
 * One connection to a server for a long COPY stream, and a way to cut it: a
 * failed run must not wait for a server still pushing rows into a paused
 * socket (postgres.js's end() sends Terminate and waits for a close that then never comes).
 */
export function connectStreamingClient(server: ServerAddress): {sql: Sql; destroy(): void} {
  const sockets = new Set<net.Socket>()
  const sql = postgres(server.url, {
    ...SHARED_OPTIONS,
    max: 1,
    connection: server.parameters,
    socket: async (options: {path?: string; host: string[]; port: number[]}) => {
      const socket = options.path ? net.connect(options.path) : net.connect(options.port[0], options.host[0])
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
      await once(socket, 'connect')
      return socket
    },
  } as never) as unknown as Sql
  return {sql, destroy: () => sockets.forEach((socket) => socket.destroy())}
}

async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  const dataDir = path.join(options.home, 'pgdata')
  await makePrivateDirectory(options.home)
  const releaseLock = await lockDirectory(options.home)
  try {
    const {PGlite} = await import('@electric-sql/pglite')
    const {PGLiteSocketServer} = await import('@electric-sql/pglite-socket')
    const pglite = await PGlite.create(dataDir)
    await makePrivate(dataDir)
    const socket = await socketPath(options.home)
    const server = new PGLiteSocketServer({db: pglite, path: socket.path, maxConnections: 32})
    await server.start()
    const sql = postgres({
      ...SHARED_OPTIONS,
      path: socket.path,
      user: 'postgres',
      database: 'postgres',
      max: options.max ?? 4,
      connection: connectionParameters(options),
    }) as unknown as Sql
    await ping(sql)
    const close = async () => {
      await sql.end({timeout: 5})
      await server.stop()
      await pglite.close()
      await makePrivate(dataDir).catch(() => {})
      await socket.remove()
      await releaseLock()
    }
    return {sql, kind: 'pglite', close}
  } catch (error) {
    await releaseLock()
    throw error instanceof LoopftError ? error : new LoopftError('DB_UNAVAILABLE', `cannot open the embedded database in ${dataDir}: ${toLoopftError(error).message}`, {cause: error})
  }
}

/** LOOPFT_HOME holds every message: 0700 whatever the umask, so no other local user can even look inside. */
async function makePrivateDirectory(directory: string): Promise<void> {
  await fs.mkdir(directory, {recursive: true, mode: 0o700})
  await fs.chmod(directory, 0o700)
}

/** PGlite creates its files 0666 and folders 0755 whatever the umask: 0600 and 0700 instead. */
async function makePrivate(directory: string): Promise<void> {
  await fs.chmod(directory, 0o700)
  for (const entry of await fs.readdir(directory, {withFileTypes: true, recursive: true})) {
    const entryPath = path.join(entry.parentPath, entry.name)
    if (entry.isDirectory()) await fs.chmod(entryPath, 0o700)
    else if (entry.isFile()) await fs.chmod(entryPath, 0o600)
  }
}

// Linux's limit for a socket path (sun_path) is 108 bytes with its terminating NUL.
const MAX_SOCKET_PATH = 107

/**
 * The embedded database listens on a Unix socket inside LOOPFT_HOME, never on a
 * TCP port any local user could reach; a LOOPFT_HOME too deep for a socket path
 * gets a private 0700 folder of its own under the system's temporary folder.
 * A socket left by a killed process is removed (the directory lock is held).
 */
async function socketPath(home: string): Promise<{path: string; remove(): Promise<void>}> {
  const inHome = path.join(home, '.s.PGSQL.5432')
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH) {
    await fs.rm(inHome, {force: true})
    return {path: inHome, remove: () => fs.rm(inHome, {force: true})}
  }
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-'))
  await fs.chmod(directory, 0o700)
  return {path: path.join(directory, '.s.PGSQL.5432'), remove: () => fs.rm(directory, {recursive: true, force: true})}
}

function connectionParameters(options: DatabaseOptions): Record<string, string> {
  const parameters: Record<string, string> = {application_name: 'loopft'}
  if (options.searchPath !== undefined) parameters.search_path = options.searchPath
  return parameters
}

async function ping(sql: Sql): Promise<void> {
  try {
    await sql`select 1`
  } catch (error) {
    await sql.end({timeout: 1}).catch(() => {})
    throw toLoopftError(error)
  }
}
