import fs from 'node:fs/promises'
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
 * or the embedded PGlite database under `home`, served on a loopback port so the
 * same postgres.js code runs on both.
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

async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  const dataDir = path.join(options.home, 'pgdata')
  await fs.mkdir(options.home, {recursive: true})
  const releaseLock = await lockDirectory(options.home)
  try {
    const {PGlite} = await import('@electric-sql/pglite')
    const {PGLiteSocketServer} = await import('@electric-sql/pglite-socket')
    const pglite = await PGlite.create(dataDir)
    const server = new PGLiteSocketServer({db: pglite, port: 0, host: '127.0.0.1', maxConnections: 32})
    await server.start()
    const sql = postgres(`postgres://postgres@${server.getServerConn()}/postgres`, {
      ...SHARED_OPTIONS,
      max: options.max ?? 4,
      connection: connectionParameters(options),
    }) as unknown as Sql
    await ping(sql)
    const close = async () => {
      await sql.end({timeout: 5})
      await server.stop()
      await pglite.close()
      await releaseLock()
    }
    return {sql, kind: 'pglite', close}
  } catch (error) {
    await releaseLock()
    throw error instanceof LoopftError ? error : new LoopftError('DB_UNAVAILABLE', `cannot open the embedded database in ${dataDir}: ${toLoopftError(error).message}`, {cause: error})
  }
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
