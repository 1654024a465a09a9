import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describeCron, formatInZone, nextRunOf, parseWhen, resolveTimezone} from '../../../src/lib/operations/schedule-times.js'

/** systemd's own reading of an OnCalendar expression: its next elapse, or undefined where systemd-analyze is missing. */
function systemdNextElapse(onCalendar: string): Date | undefined {
  const analyze = spawnSync('systemd-analyze', ['calendar', onCalendar], {encoding: 'utf8', env: {...process.env, TZ: 'UTC'}})
  if (analyze.error !== undefined) return undefined
  assert.equal(analyze.status, 0, analyze.stderr)
  const match = /Next elapse: \w+ (\S+ \S+) UTC/.exec(analyze.stdout)
  assert.ok(match, analyze.stdout)
  return new Date(`${match[1].replace(' ', 'T')}Z`)
}

describe('schedule times', () => {
  it('reads the short forms and cron expressions into cron and OnCalendar text', () => {
    const read = (when: string) => {
      const {cron, onCalendar} = parseWhen(when, 'USAGE', '--at export')
      return [cron, onCalendar]
    }
    assert.deepEqual(read('02:30'), ['30 2 * * *', '*-*-* 02:30:00'])
    assert.deepEqual(read('Sun@3:00'), ['0 3 * * 0', 'Sun *-*-* 03:00:00'])
    assert.deepEqual(read('mon,thu@22:05'), ['5 22 * * 1,4', 'Mon,Thu *-*-* 22:05:00'])
    assert.deepEqual(read('1,15@04:00'), ['0 4 1,15 * *', '*-*-01,15 04:00:00'])
    assert.deepEqual(read('*/15 1-3 * * 1-5'), ['*/15 1-3 * * 1-5', 'Mon,Tue,Wed,Thu,Fri *-*-* 01,02,03:00,15,30,45:00'])
    assert.deepEqual(read('0 3 * * 7'), ['0 3 * * 7', 'Sun *-*-* 03:00:00'])
  })

  it('refuses what is not a time, or what cron and systemd would read differently, as a usage error naming the flag', () => {
    for (const when of ['24:00', '2:3', 'someday@02:00', '32@02:00', 'sun,1@02:00', '0 25 * * *', '0 4 1 * 1', '0 0 L * *', '0 0 * * 5#2', '0 0 * * * *']) {
      assert.throws(() => parseWhen(when, 'USAGE', '--at export'), (error: {code: string; exitCode: number; message: string; suggestion: string}) => {
        assert.deepEqual([error.code, error.exitCode], ['USAGE', 2], when)
        assert.ok(error.message.startsWith(`--at export: ${JSON.stringify(when)} `), error.message)
        assert.match(error.suggestion, /HH:MM/)
        return true
      })
    }
  })

  it('describes a cron expression in words', () => {
    assert.equal(describeCron('30 2 * * *'), 'At 02:30 AM, every day')
    assert.equal(describeCron('0 3 * * 0'), 'At 03:00 AM, only on Sunday')
  })

  it('computes the next run in the zone; systemd reads the OnCalendar text with the zone to the same instant', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata']
    for (const when of ['02:30', 'sun@03:00', 'mon,thu@22:05', '1@04:00']) {
      for (const zone of zones) {
        const {cron, onCalendar} = parseWhen(when, 'USAGE', 'test')
        const now = new Date()
        const next = nextRunOf(cron, zone, now)
        assert.ok(next > now)
        assert.equal(formatInZone(next, zone).slice(11), when.split('@').at(-1)?.padStart(5, '0'))
        const systemd = systemdNextElapse(`${onCalendar} ${zone}`)
        if (systemd !== undefined) assert.equal(systemd.toISOString(), next.toISOString(), `${when} in ${zone}`)
      }
    }
  })

  it('canonicalises a zone name, defaults to the machine\'s and refuses unknown zones and offsets', () => {
    assert.deepEqual([resolveTimezone('europe/berlin'), resolveTimezone('Asia/Kolkata')], ['Europe/Berlin', 'Asia/Kolkata'])
    assert.equal(resolveTimezone(undefined), Intl.DateTimeFormat().resolvedOptions().timeZone)
    for (const zone of ['Mars/Olympus_Mons', '+01:00', '']) {
      assert.throws(() => resolveTimezone(zone, 'CONFIG_INVALID'), {code: 'CONFIG_INVALID', message: `unknown time zone ${JSON.stringify(zone)}`})
    }
  })
})
