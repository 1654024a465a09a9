import net from 'node:net'

/** A loopback TCP proxy to Postgres that a test can stop (the database "goes down") and start again on the same port. */
export interface TcpProxy {
  readonly port: number
  /** A DATABASE_URL through the proxy, same user, database and query as `url`. */
  urlFor(url: string): string
  /** Closes the listener and destroys every open connection. */
  stop(): Promise<void>
  /** Listens again on the same port. */
  start(): Promise<void>
}

export async function startTcpProxy(target: {host: string; port: number}, port = 0): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  let server: net.Server | undefined
  let boundPort = port

  const start = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host)
      for (const socket of [client, upstream]) {
        sockets.add(socket)
        socket.on('error', () => socket.destroy())
        socket.on('close', () => {
          sockets.delete(socket)
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject)
      server!.listen(boundPort, '127.0.0.1', () => resolve())
    })
    boundPort = (server.address() as net.AddressInfo).port
  }

  await start()
  return {
    get port() {
      return boundPort
    },
    urlFor(url) {
      const parsed = new URL(url)
      parsed.hostname = '127.0.0.1'
      parsed.port = String(boundPort)
      return parsed.toString()
    },
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
      server = undefined
    },
    start,
  }
}
