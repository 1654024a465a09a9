import {emitKeypressEvents} from 'node:readline'

/** Waits for one of `keys` pressed on the terminal (no Enter); Ctrl-C counts as `interrupt`. */
export function readKey<K extends string>(keys: readonly K[], interrupt: K): Promise<K> {
  const stdin = process.stdin
  emitKeypressEvents(stdin)
  stdin.setRawMode(true)
  stdin.resume()
  return new Promise((resolve) => {
    const onKeypress = (_text: string | undefined, key: {name?: string; ctrl?: boolean} | undefined) => {
      const name = key?.ctrl === true && key.name === 'c' ? interrupt : (key?.name as K | undefined)
      if (name === undefined || !keys.includes(name)) return
      stdin.off('keypress', onKeypress)
      stdin.setRawMode(false)
      stdin.pause()
      resolve(name)
    }
    stdin.on('keypress', onKeypress)
  })
}
