import assert from 'node:assert/strict'
import fs from 'node:fs'
import {renderCommandReference} from '../../src/cli/command-reference.js'
import {usageMessage} from '../../src/cli/base-command.js'
import {useTestDatabase} from '../support/db.js'
import {runLoopftProcess as runLoopft} from '../support/run-cli.js'

/** The CLI as oclif users know it: help, version, did-you-mean, and every error as {error} under --json; through bin/run.js, whose top-level handler reports what no command sees. */
describe('loopft (the CLI itself)', () => {
  const env = {LOOPFT_HOME: '/nonexistent/never-opened'}
  const database = useTestDatabase()

  it('help, -h and --help list the commands; -h on a command shows its usage', async () => {
    for (const args of [['help'], ['-h'], ['--help']]) {
      const result = await runLoopft(args, env)
      assert.equal(result.status, 0, args.join(' '))
      assert.match(result.stdout, /^COMMANDS$/m)
      assert.match(result.stdout, /^ {2}evaluate +Compare a candidate model/m)
      assert.match(result.stdout, /^ {2}autocomplete +Display autocomplete installation instructions/m)
    }
    const commandHelp = await runLoopft(['export', '-h'], env)
    assert.equal(commandHelp.status, 0)
    assert.match(commandHelp.stdout, /^USAGE\n {2}\$ loopft export /m)
  })

  it('version, --version and version --json', async () => {
    const {version} = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {version: string}
    const plain = await runLoopft(['--version'], env)
    const json = await runLoopft(['version', '--json'], env)
    assert.equal(plain.status, 0)
    assert.match(plain.stdout, new RegExp(`^loopft/${version.replaceAll('.', '\\.')} `))
    assert.deepEqual([json.status, json.json.version, json.json.node], [0, version, process.version])
  })

  it('an unknown command is a usage error (2) that suggests the closest one, as {error} under --json', async () => {
    const json = await runLoopft(['exprot', '--since', '24h', '--json'], env)
    assert.equal(json.status, 2)
    assert.deepEqual(json.json, {error: {code: 'USAGE', message: '"exprot" is not a loopft command; did you mean "export"?', exitCode: 2, suggestion: 'run loopft help for every command'}})
    const plain = await runLoopft(['evalute'], env)
    assert.equal(plain.status, 2, plain.stderr)
    assert.match(plain.stderr, /^loopft: USAGE: "evalute" is not a loopft command; did you mean "evaluate"\? \(run loopft help for every command\)$/m)
    const nothingClose = await runLoopft(['zzzzzzzzzz', '--json'], env)
    assert.equal(nothingClose.json.error.message, '"zzzzzzzzzz" is not a loopft command')
  })

  it('flag and argument errors name what is missing, as {error} under --json with exit 2', async () => {
    const missingFlag = await runLoopft(['evaluate', '--json'], env)
    const missingArg = await runLoopft(['promote', '--json'], env)
    const unknownFlag = await runLoopft(['status', '--colour', '--json'], env)
    assert.deepEqual([missingFlag.status, missingFlag.json.error.code, missingFlag.json.error.message], [2, 'USAGE', 'Missing required flag candidate'])
    assert.deepEqual([missingArg.status, missingArg.json.error.code], [2, 'USAGE'])
    assert.match(missingArg.json.error.message, /^Missing 1 required arg: model \(/)
    assert.deepEqual([unknownFlag.status, unknownFlag.json.error.code], [2, 'USAGE'])
    assert.match(unknownFlag.json.error.message, /--colour/)
  })

  it('a usage error is the only line: no "export failed" before it', async () => {
    const result = await runLoopft(['export', '--since', 'garbage'], {...env, DATABASE_URL: database.url})
    assert.equal(result.status, 2)
    assert.doesNotMatch(result.stderr, /export failed/)
    assert.match(result.stderr, /^loopft: USAGE: /)
  })

  it('DATABASE_URL that is not a postgres URL is a configuration error (3), and the value is not printed', async () => {
    const result = await runLoopft(['status', '--json'], {...env, DATABASE_URL: 'notaurl-with-secret-hunter2'})
    assert.deepEqual([result.status, result.json.error.code], [3, 'CONFIG_INVALID'])
    assert.match(result.json.error.message, /DATABASE_URL.*not a postgres:\/\/ or postgresql:\/\/ URL/)
    assert.doesNotMatch(result.stdout + result.stderr, /hunter2/)
  })

  it('joins oclif\'s multi-line parse errors into one line that keeps the name', () => {
    assert.equal(usageMessage('The following error occurred:\n  Missing required flag candidate\nSee more help with --help'), 'Missing required flag candidate')
    assert.equal(usageMessage('Missing 1 required arg:\nmodel  the model to serve\nSee more help with --help'), 'Missing 1 required arg: model (the model to serve)')
  })

  it('docs/commands.md is the commands\' help as generated (npm run docs:commands)', async () => {
    const expected = await renderCommandReference(process.cwd())
    assert.ok(fs.readFileSync('docs/commands.md', 'utf8') === expected, 'docs/commands.md has drifted from the commands: run npm run docs:commands')
    for (const command of ['evaluate', 'export', 'version', 'help', 'autocomplete']) assert.match(expected, new RegExp(`^## \`loopft ${command}\`$`, 'm'))
  })
})
