import {Flags} from '@oclif/core'
import {SETTINGS, type SettingName} from '../lib/settings.js'

/**
 * A string flag that overrides a declared setting. It reads no environment
 * itself (oclif's `env:` would be a second reader): the command passes its
 * value to loadConfig, which falls back to the variable and the default. Help
 * names both, from the declaration.
 */
export function settingFlag(name: SettingName, description: string, options: {char?: 'o'; helpGroup?: string} = {}) {
  const setting = SETTINGS[name]
  const fallback = setting.shownDefault === '—' ? '' : `, else ${setting.shownDefault.replaceAll('`', '')}`
  return Flags.string({...options, description: `${description} (default: $${setting.env}${fallback})`})
}
