import {Args, Flags} from '@oclif/core'
import {LoopftCommand} from '../cli/base-command.js'
import {LoopftError} from '../lib/errors.js'
import {PII_TYPES, createRedactor, type PiiType} from '../lib/redact/index.js'
import {redactFile, type RedactStreamResult} from '../lib/redact/stream.js'

export default class Redact extends LoopftCommand {
  static summary = 'Redact personal data (emails, phones, URLs, handles, IPs, cards, IBANs, SSNs) from a text or JSONL file.'
  static description = 'A filter: one output line per input line, constant memory. JSONL (auto-detected) has every string under messages[].content redacted (or, in the one-message-per-line format loopft import reads, each line\'s content and content_parts) and its structure kept; a line that is not JSON is counted as invalid and redacted as text. See docs/redaction.md for what is and is not redacted.'
  static examples = [
    '<%= config.bin %> redact chats.jsonl --out chats.redacted.jsonl --stats',
    'cat notes.txt | <%= config.bin %> redact --types EMAIL,PHONE',
    'LOOPFT_PSEUDONYM_KEY=… <%= config.bin %> redact train.jsonl --placeholder pseudonym --allow ourlabel.com --out train.safe.jsonl --json',
  ]
  static args = {file: Args.string({description: 'input file; omit or - for stdin', ignoreStdin: true})}
  static flags = {
    out: Flags.string({char: 'o', description: 'output file (written to a temporary name, then renamed); default stdout'}),
    format: Flags.string({description: 'input format', options: ['auto', 'text', 'jsonl'], default: 'auto'}),
    types: Flags.string({description: `comma-separated types to redact (${PII_TYPES.join(',')})`, default: PII_TYPES.join(',')}),
    placeholder: Flags.string({description: 'typed: [EMAIL]; pseudonym: [EMAIL_3fa9c1], stable per conversation (needs LOOPFT_PSEUDONYM_KEY)', options: ['typed', 'pseudonym'], default: 'typed'}),
    allow: Flags.string({description: 'value or domain to leave in place (repeatable)', multiple: true, default: []}),
    stats: Flags.boolean({description: 'print counts per type to stderr', default: false}),
  }

  async run(): Promise<RedactStreamResult> {
    const {args, flags} = await this.parse(Redact)
    if (this.jsonEnabled() && (flags.out === undefined || flags.out === '-')) {
      throw new LoopftError('USAGE', '--json needs --out: stdout carries the JSON result', {suggestion: 'add --out FILE'})
    }
    const placeholder = flags.placeholder as 'typed' | 'pseudonym'
    const config = this.loadConfig()
    const pseudonymKey = placeholder === 'pseudonym' ? config.pseudonymKey : undefined
    if (placeholder === 'pseudonym' && pseudonymKey === undefined) {
      throw new LoopftError('CONFIG_INVALID', 'pseudonym placeholders need a key', {suggestion: 'set LOOPFT_PSEUDONYM_KEY'})
    }
    const redactor = createRedactor({types: parseTypes(flags.types), placeholder, pseudonymKey, allow: flags.allow, phoneRegions: config.phoneRegions, publicDomains: config.redactPublicDomains})
    const result = await redactFile(args.file, flags.out, {format: flags.format as 'auto' | 'text' | 'jsonl', redactor})
    if (flags.stats && !this.jsonEnabled()) process.stderr.write(renderStats(result))
    return result
  }
}

function parseTypes(list: string): PiiType[] {
  const types = list.split(',').map((t) => t.trim().toUpperCase()).filter((t) => t !== '')
  const unknown = types.filter((t) => !PII_TYPES.includes(t as PiiType))
  if (unknown.length > 0 || types.length === 0) {
    throw new LoopftError('USAGE', `unknown --types: ${unknown.join(', ') || '(empty)'}`, {suggestion: `choose from ${PII_TYPES.join(',')}`})
  }
  return types as PiiType[]
}

function renderStats(result: RedactStreamResult): string {
  const counts = PII_TYPES.filter((t) => result.counts[t] !== undefined).map((t) => `${t} ${result.counts[t]}`)
  const invalid = result.format === 'jsonl' ? `, ${result.invalidLines} invalid` : ''
  return `redacted ${result.total} (${counts.join(', ') || 'nothing'}) in ${result.lines} ${result.format} lines${invalid}\n`
}
