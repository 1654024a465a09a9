import {setTimeout as sleep} from 'node:timers/promises'

/** Polls `condition` every `intervalMs` until it holds; fails after `timeoutMs` instead of hanging the suite. */
export async function waitFor(condition: () => boolean | Promise<boolean>, {timeoutMs = 30_000, intervalMs = 20, what = 'condition'} = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`)
    await sleep(intervalMs)
  }
}

/**
 * Holds a run lock (or any callback-scoped resource) until released: `acquired`
 * resolves once the callback is running, so a test orders work on the real
 * condition instead of sleeping.
 */
export function holdUntilReleased<T>(take: (inside: () => Promise<void>) => Promise<T>): {acquired: Promise<void>; release(): void; done: Promise<T>} {
  let signalAcquired!: () => void
  let release!: () => void
  const acquired = new Promise<void>((resolve) => (signalAcquired = resolve))
  const released = new Promise<void>((resolve) => (release = resolve))
  const done = take(() => {
    signalAcquired()
    return released
  })
  return {acquired: Promise.race([acquired, done.then(() => {})]), release, done}
}
