import {Command, Config, Help} from '@oclif/core'

/** core's Help (what plugin-help shows), with its per-command formatter made reachable. */
class ReferenceHelp extends Help {
  commandHelp(command: Command.Loadable): string {
    return this.formatCommand(command)
  }
}

/**
 * The command reference (docs/commands.md): every visible command's help as
 * `loopft COMMAND --help` prints it, without colour and at a fixed width, so
 * the file changes only when a command does. A test renders it again and
 * fails when the checked-in file has drifted; `npm run docs:commands` rewrites it.
 */
export async function renderCommandReference(root: string): Promise<string> {
  const config = await Config.load({root})
  const help = new ReferenceHelp(config, {stripAnsi: true, maxWidth: 100})
  const commands = config.commands.filter((command) => !command.hidden).sort((a, b) => a.id.localeCompare(b.id))
  const sections = commands.map((command) => {
    const name = `${config.bin} ${command.id.replaceAll(':', ' ')}`
    const text = help.commandHelp(command).replaceAll('\u001B', '').trimEnd()
    const origin = command.pluginName === config.name ? '' : `\n\n_From ${command.pluginName}._`
    return `## \`${name}\`\n\n\`\`\`\n${text}\n\`\`\`${origin}`
  })
  const index = commands.map((command) => `- [\`${config.bin} ${command.id}\`](#${anchor(`${config.bin} ${command.id}`)})`).join('\n')
  return `# Command reference\n\nGenerated from the commands' own help by \`npm run docs:commands\`; a test fails when it drifts.\n\n${index}\n\n${sections.join('\n\n')}\n`
}

function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replaceAll(' ', '-')
}
