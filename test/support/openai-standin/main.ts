/**
 * Runs the OpenAI stand-in by hand, to rehearse the whole loop offline:
 *   npm run openai-standin -- --port 8787 --tick 5
 *   export OPENAI_BASE_URL=<printed URL> OPENAI_API_KEY=sk-test
 * Options (or env): --port (OPENAI_STANDIN_PORT, default ephemeral), --tick seconds per job step
 * (OPENAI_STANDIN_TICK, default 2), --advance-on-poll (each job GET moves the job one step), --api-key.
 */
import {parseArgs} from 'node:util'
import {startOpenAIStandin} from './index.js'

const {values} = parseArgs({
  options: {
    port: {type: 'string', default: process.env.OPENAI_STANDIN_PORT ?? '0'},
    tick: {type: 'string', default: process.env.OPENAI_STANDIN_TICK ?? '2'},
    'advance-on-poll': {type: 'boolean', default: false},
    'api-key': {type: 'string'},
  },
})
const tickSeconds = Number(values.tick)
if (!Number.isFinite(tickSeconds) || tickSeconds < 0) throw new Error(`--tick must be a number of seconds, got ${values.tick}`)

const standin = await startOpenAIStandin({
  port: Number(values.port),
  apiKey: values['api-key'] ?? null,
  advanceOnPoll: values['advance-on-poll'],
  autoAdvanceMs: tickSeconds > 0 ? tickSeconds * 1000 : null,
})
process.stdout.write(`${standin.baseURL}\n`)
process.stderr.write(
  `OpenAI stand-in listening. Jobs move one step every ${tickSeconds || '∞'} s` +
  `${values['advance-on-poll'] ? ' and on each poll' : ''}.\n` +
  `  export OPENAI_BASE_URL=${standin.baseURL} OPENAI_API_KEY=${values['api-key'] ?? 'sk-test'}\n`,
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void standin.close().then(() => process.exit(0)))
}
