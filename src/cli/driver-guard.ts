/**
 * postgres.js 3.4.x can throw from a setImmediate after a connection closed
 * (`socket.write` on null in nextWrite: porsager/postgres#1154, #1208, fix
 * proposed in #1168). The throw escapes every await, and the query it belonged
 * to never settles. For a CLI it means one thing, the database went away
 * mid-run: `onLost` reports that (exit 4, JSON) instead of a stack trace and
 * exit 1. Any other uncaught exception keeps Node's behaviour (or goes to
 * whoever else listens, such as a test runner running commands in-process).
 * Installed once per process; the latest command's `onLost` reports.
 */
export function onDatabaseLostByDriver(onLost: () => Promise<void>): void {
  report = onLost
  if (!installed) process.on('uncaughtException', handleUncaught)
  installed = true
}

let installed = false
let report: (() => Promise<void>) | undefined
let reported = false

function handleUncaught(error: Error): void {
  if (isDriverCloseRace(error)) {
    // Every connection of the pool may throw it: report once.
    if (reported || report === undefined) return
    reported = true
    void report().finally(() => process.exit())
    return
  }
  if (process.listenerCount('uncaughtException') > 1) return
  process.off('uncaughtException', handleUncaught)
  installed = false
  process.nextTick(() => {
    throw error
  })
}

function isDriverCloseRace(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false
  const frame = (error.stack ?? '').split('\n').find((line) => line.trimStart().startsWith('at '))
  return frame !== undefined && /\bnextWrite\b/.test(frame) && /[\\/]postgres[\\/]src[\\/]connection\.js:/.test(frame)
}
