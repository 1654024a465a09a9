/**
 * A router in its own process, for the cross-process swap test and the swap
 * benchmark. Env: DATABASE_URL (with ?search_path=…), ROUTER_POLL_MS, ROUTER_LISTEN=0 to poll only.
 * Prints JSON lines on stdout: {"event":"ready",…} once, then
 * {"event":"swap","model","version","at"} per swap, `at` in epoch ms
 * (sub-millisecond). Exits when stdin closes.
 */
import {performance} from 'node:perf_hooks'
import {createRouter} from '../../src/router.js'

const router = createRouter({databaseUrl: process.env.DATABASE_URL!}, {
  pollIntervalMs: Number(process.env.ROUTER_POLL_MS ?? 60_000),
  listen: process.env.ROUTER_LISTEN !== '0',
})
const report = (event: string) => {
  const {model, reason} = router.selectModel({conversationId: 'child'})
  process.stdout.write(`${JSON.stringify({event, model, version: reason.configVersion, at: performance.timeOrigin + performance.now()})}\n`)
}
router.on('swap', () => report('swap'))
await router.ready()
report('ready')
process.stdin.resume()
process.stdin.on('end', () => void router.close().then(() => process.exit(0)))
