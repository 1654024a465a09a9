import {LoopftCommand} from '../cli/base-command.js'
import {renderFields} from '../cli/render.js'

export interface VersionResult {
  version: string
  node: string
  platform: string
  arch: string
}

export default class Version extends LoopftCommand {
  static summary = "Show loopft's version, and the Node.js and platform it runs on."
  static examples = ['<%= config.bin %> version', '<%= config.bin %> version --json', '<%= config.bin %> --version']

  async run(): Promise<VersionResult> {
    await this.parse(Version)
    const result = {version: this.config.version, node: process.version, platform: this.config.platform, arch: this.config.arch}
    this.log(renderFields(this.terminal, [['loopft', result.version], ['node', result.node], ['platform', `${result.platform}-${result.arch}`]]))
    return result
  }
}
