// Rewrites docs/commands.md from the built commands' help (npm run build first).
import fs from 'node:fs'
import {renderCommandReference} from '../dist/cli/command-reference.js'

fs.writeFileSync('docs/commands.md', await renderCommandReference(process.cwd()))
