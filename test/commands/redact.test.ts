import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

// Runs the built CLI (npm test builds first).
function loopft(args: string[], input = '', env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['bin/run.js', 'redact', ...args], {input, encoding: 'utf8', env: {...process.env, NO_COLOR: '1', ...env}})
  return {status: result.status, stdout: result.stdout, stderr: result.stderr}
}

describe('loopft redact', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'loopft-redact-'))
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('filters stdin to stdout and prints --stats to stderr', () => {
    const run = loopft(['--stats'], 'hi jane@example.com\ncall +44 20 7946 0958 at 12:30\n')
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stdout, 'hi [EMAIL]\ncall [PHONE] at 12:30\n')
    assert.match(run.stderr, /redacted 2 \(EMAIL 1, PHONE 1\) in 2 text lines/)
  })

  it('redacts a JSONL file into --out and returns the typed result under --json', () => {
    const input = path.join(dir, 'in.jsonl')
    const out = path.join(dir, 'out.jsonl')
    writeFileSync(input, `${JSON.stringify({messages: [{role: 'user', content: 'ip 10.0.0.1, @jane'}]})}\nnot json a@b.io\n`)
    const run = loopft([input, '--out', out, '--json'])
    assert.equal(run.status, 0, run.stderr)
    assert.deepEqual(JSON.parse(run.stdout), {format: 'jsonl', lines: 2, invalidLines: 1, counts: {HANDLE: 1, IP: 1, EMAIL: 1}, total: 3})
    assert.equal(readFileSync(out, 'utf8'), `${JSON.stringify({messages: [{role: 'user', content: 'ip [IP], [HANDLE]'}]})}\nnot json [EMAIL]\n`)
  })

  it('honours --types, --allow and --format text', () => {
    const run = loopft(['--types', 'EMAIL', '--allow', 'ourlabel.com', '--format', 'text'], '{"x": "a@b.io press@ourlabel.com +1 415 555 0100"}\n')
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stdout, '{"x": "[EMAIL] press@ourlabel.com +1 415 555 0100"}\n')
  })

  it('makes pseudonyms with LOOPFT_PSEUDONYM_KEY and refuses without it (exit 3)', () => {
    const ok = loopft(['--placeholder', 'pseudonym'], 'a@b.io a@b.io\n', {LOOPFT_PSEUDONYM_KEY: 'secret'})
    assert.equal(ok.status, 0, ok.stderr)
    assert.match(ok.stdout, /^\[EMAIL_([0-9a-f]{6})\] \[EMAIL_\1\]\n$/)
    const missing = loopft(['--placeholder', 'pseudonym', '--json', '--out', path.join(dir, 'x')], 'a@b.io\n', {LOOPFT_PSEUDONYM_KEY: ''})
    assert.equal(missing.status, 3)
    assert.equal(JSON.parse(missing.stdout).error.code, 'CONFIG_INVALID')
  })

  it('exits 2 on bad usage and 12 on a missing file, with JSON errors under --json', () => {
    const badType = loopft(['--types', 'NAME', '--json', '--out', path.join(dir, 'y')])
    assert.equal(badType.status, 2)
    assert.equal(JSON.parse(badType.stdout).error.code, 'USAGE')
    const noOut = loopft(['--json'])
    assert.equal(noOut.status, 2)
    const missing = loopft([path.join(dir, 'nope.txt'), '--json', '--out', path.join(dir, 'z')])
    assert.equal(missing.status, 12)
    assert.equal(JSON.parse(missing.stdout).error.code, 'NOT_FOUND')
  })
})
