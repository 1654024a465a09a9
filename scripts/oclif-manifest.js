// Writes oclif.manifest.json after a build, so a command start imports only
// its own module instead of every command (what `oclif manifest` does).
import fs from 'node:fs'
import {Plugin} from '@oclif/core'

const plugin = new Plugin({root: process.cwd(), type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
await plugin.load()
fs.writeFileSync('oclif.manifest.json', JSON.stringify(plugin.manifest))
