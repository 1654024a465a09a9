import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {JOB_NAMES, planSchedule} from '../../../src/lib/operations/schedule-plan.js'

describe('schedule plan', () => {
  let directory: string
  const now = new Date()
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'loopft-schedule-plan-'))
  })
  afterEach(async () => {
    await fs.rm(directory, {recursive: true, force: true})
  })

  it('defaults to daily export, weekly cycle, monthly prune and report, in the machine\'s zone, each with its next run', async () => {
    const plan = await planSchedule({}, now)
    assert.deepEqual([plan.timezone, plan.timezoneSource], [Intl.DateTimeFormat().resolvedOptions().timeZone, 'machine'])
    assert.deepEqual(plan.jobs.map((job) => [job.name, job.when, job.cron]), [['export', '02:00', '0 2 * * *'], ['cycle', 'sun@03:00', '0 3 * * 0'], ['prune', '1@04:00', '0 4 1 * *'], ['report', '1@05:00', '0 5 1 * *']])
    assert.deepEqual(plan.jobs.map((job) => job.description), ['At 02:00 AM, every day', 'At 03:00 AM, only on Sunday', 'At 04:00 AM, on day 1 of the month', 'At 05:00 AM, on day 1 of the month'])
    const waits = plan.jobs.map((job) => new Date(job.nextRun).getTime() - now.getTime())
    const day = 24 * 3600 * 1000
    assert.deepEqual(waits.map((wait, index) => wait > 0 && wait <= [1, 7, 31, 31][index] * day), [true, true, true, true])
  })

  it('takes times, the zone and the job selection from a YAML or JSON file, with flags winning', async () => {
    const yamlFile = path.join(directory, 'schedule.yaml')
    await fs.writeFile(yamlFile, 'timezone: Europe/Berlin\nat:\n  export: "01:15"\n  cycle: sat@22:00\nskip: [report]\n')
    const fromFile = await planSchedule({file: yamlFile}, now)
    assert.deepEqual([fromFile.timezone, fromFile.timezoneSource, fromFile.jobs.map((job) => `${job.name} ${job.cron}`)], ['Europe/Berlin', 'file', ['export 15 1 * * *', 'cycle 0 22 * * 6', `prune ${'0 4 1 * *'}`]])
    const jsonFile = path.join(directory, 'schedule.json')
    await fs.writeFile(jsonFile, JSON.stringify({at: {prune: '2@03:00'}, only: ['prune', 'report']}))
    const withFlags = await planSchedule({file: jsonFile, at: ['prune=15@03:30'], skip: ['report'], timezone: 'UTC'}, now)
    assert.deepEqual([withFlags.timezoneSource, withFlags.jobs.map((job) => `${job.name} ${job.cron}`)], ['flag', ['export 0 2 * * *', 'cycle 0 3 * * 0', 'prune 30 3 15 * *']])
  })

  it('reports a bad schedule file as CONFIG_INVALID (exit 3) with the key at fault', async () => {
    const file = path.join(directory, 'schedule.yaml')
    const cases: Array<[string, RegExp]> = [
      ['at:\n  tune: "02:00"\n', /at: Unrecognized key: "tune"/],
      ['at:\n  export: "25:00"\n', /at\.export: "25:00" is not a time/],
      ['timezone: Moon/Base\n', /unknown time zone "Moon\/Base"/],
      ['only: [export]\nskip: [cycle]\n', /either only or skip/],
      ['hours: 3\n', /Unrecognized key/],
      ['at: [unclosed\n', /not valid YAML/],
    ]
    for (const [text, message] of cases) {
      await fs.writeFile(file, text)
      await assert.rejects(planSchedule({file}, now), {code: 'CONFIG_INVALID', exitCode: 3, message}, text)
    }
    await assert.rejects(planSchedule({file: path.join(directory, 'missing.json')}, now), {code: 'CONFIG_INVALID', message: /cannot read the schedule file .+ \(ENOENT\)/})
  })

  it('reports bad flags as USAGE (exit 2)', async () => {
    await assert.rejects(planSchedule({at: ['tune=sun@03:00']}, now), {code: 'USAGE', exitCode: 2, message: /expected JOB=WHEN with JOB one of export, cycle, prune, report/, suggestion: /weekly cycle is what runs tune/})
    await assert.rejects(planSchedule({at: ['export']}, now), {code: 'USAGE', message: /expected JOB=WHEN/})
    await assert.rejects(planSchedule({skip: [...JOB_NAMES]}, now), {code: 'USAGE', message: 'no job left to schedule'})
    await assert.rejects(planSchedule({timezone: 'Berlin'}, now), {code: 'USAGE', message: 'unknown time zone "Berlin"'})
  })

})
