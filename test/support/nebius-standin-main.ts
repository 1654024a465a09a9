/**
 * Runs the Nebius stand-in by hand, to rehearse the whole loop offline with --provider nebius:
 *   npm run nebius-standin -- --port 8798 --tick 0.2
 *   export NEBIUS_BASE_URL=<printed URL> NEBIUS_API_KEY=nb-test
 * Options: --port (default ephemeral), --tick seconds per job and custom-model step (default 2), --api-key.
 */
import {parseArgs} from 'node:util'
import {fairJudge} from './judge-behaviour.js'
import {startNebiusStandin} from './nebius-standin.js'

const {values} = parseArgs({
  options: {
    port: {type: 'string', default: '0'},
    tick: {type: 'string', default: '2'},
    'api-key': {type: 'string'},
  },
})
const tickSeconds = Number(values.tick)
if (!Number.isFinite(tickSeconds) || tickSeconds <= 0) throw new Error(`--tick must be a positive number of seconds, got ${values.tick}`)

const standin = await startNebiusStandin({port: Number(values.port), apiKey: values['api-key'], autoAdvanceMs: tickSeconds * 1000})
// The README's judge reads the gold references, so a rehearsal ends in a readable verdict (a tie: every model echoes).
standin.setChatBehaviour('meta-llama/Llama-3.3-70B-Instruct', fairJudge)
process.stdout.write(`${standin.baseURL}\n`)
process.stderr.write(`Nebius stand-in listening; jobs and custom models move one step every ${tickSeconds} s.\n  export NEBIUS_BASE_URL=${standin.baseURL} NEBIUS_API_KEY=${values['api-key'] ?? 'nb-test'}\n`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void standin.close().then(() => process.exit(0)))
}
