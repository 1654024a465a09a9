import {Config, Errors, flush, run} from '@oclif/core'
import levenshtein from 'fast-levenshtein'
import {LoopftError} from '../lib/errors.js'
import {toLoopftError} from '../lib/error-translation.js'

/**
 * The CLI's entry: runs oclif, and reports what no command's catch() saw (an
 * unknown command, an error in a plugin) the way every loopft error is
 * reported: `{"error": …}` on stdout under --json, else one line on stderr,
 * with the exit code from the one table. An unknown command is a usage error
 * (2) that names the closest command.
 */
export async function main(argv: string[], entry: string): Promise<void> {
  const config = await Config.load(entry)
  const json = argv.includes('--json')
  const unknown = unknownCommand(config, argv)
  // plugin-not-found would ask "did you mean…?" on a TTY: never under --json, whose output is data.
  if (unknown !== undefined && json) return report(unknownCommandError(config, unknown), json)
  try {
    await run(argv, config)
    await flush()
  } catch (error) {
    const exit = (error as {oclif?: {exit?: number}}).oclif?.exit
    // Already reported by LoopftCommand.catch(), or a deliberate exit.
    if (error instanceof Errors.ExitError || (error as {skipOclifErrorHandling?: boolean}).skipOclifErrorHandling === true) {
      process.exitCode = exit ?? 1
      return
    }
    report(unknown === undefined ? toTopLevelError(error, exit) : unknownCommandError(config, unknown), json)
  }
}

/** The command the arguments name when no command or topic has that name. */
function unknownCommand(config: Config, argv: string[]): string | undefined {
  const id = argv[0]
  if (id === undefined || id.startsWith('-')) return undefined
  return config.findCommand(id) === undefined && config.findTopic(id) === undefined ? id : undefined
}

function unknownCommandError(config: Config, id: string): LoopftError {
  const visible = config.commands.filter((command) => !command.hidden).map((command) => command.id)
  const closest = visible.map((command) => ({command, distance: levenshtein.get(id, command)})).sort((a, b) => a.distance - b.distance)[0]
  const guess = closest !== undefined && closest.distance <= Math.max(2, Math.floor(id.length / 2)) ? `; did you mean "${closest.command}"?` : ''
  return new LoopftError('USAGE', `"${id}" is not a ${config.bin} command${guess}`, {suggestion: `run ${config.bin} help for every command`})
}

function toTopLevelError(error: unknown, exit: number | undefined): LoopftError {
  if (error instanceof LoopftError || exit === undefined) return toLoopftError(error)
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
  return new LoopftError(exit === 2 ? 'USAGE' : 'UNEXPECTED', message)
}

function report(error: LoopftError, json: boolean): void {
  process.exitCode = error.exitCode
  if (json) {
    process.stdout.write(`${JSON.stringify({error: error.toJSON()}, null, 2)}\n`)
    return
  }
  const suggestion = error.suggestion === undefined ? '' : ` (${error.suggestion})`
  process.stderr.write(`loopft: ${error.code}: ${error.message}${suggestion}\n`)
}
