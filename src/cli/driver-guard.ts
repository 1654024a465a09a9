/**
 * postgres.js 3.4.x can throw from a setImmediate after a connection closed
 * (`socket.write` on null in nextWrite: porsager/postgres#1154, #1208, fix
 * proposed in #1168). The throw escapes every await, and the query it belonged
 * to never settles. For a CLI it means one thing, the database went away
 * mid-run: `onLost` reports that (exit 4, JSON) instead of a stack trace and
 * exit 1. Any other uncaught exception keeps Node's behaviour.
 */
export function onDatabaseLostByDriver(onLost: () => Promise<void>): void {
  let reported = false
  process.on('uncaughtException', (error) => {
    if (!isDriverCloseRace(error)) {
      process.removeAllListeners('uncaughtException')
      process.nextTick(() => {
        throw error
      })
      return
    }
    // Every connection of the pool may throw it: report once.
    if (reported) return
    reported = true
    onLost().finally(() => process.exit())
  })
}

function isDriverCloseRace(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false
  const frame = (error.stack ?? '').split('\n').find((line) => line.trimStart().startsWith('at '))
  return frame !== undefined && /\bnextWrite\b/.test(frame) && /[\\/]postgres[\\/]src[\\/]connection\.js:/.test(frame)
}
