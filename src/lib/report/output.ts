import fs from 'node:fs/promises'
import path from 'node:path'
import {LoopftError} from '../errors.js'
import {writeFileAtomic} from '../files.js'

/**
 * Where --out puts the page: a path ending .html is the file; anything else is
 * a directory (created if needed) that gets loopft-report-YYYY-MM.html, so the
 * monthly schedule can pass `$LOOPFT_HOME/reports/`.
 */
export function reportFilePath(out: string, month: string): string {
  return out.toLowerCase().endsWith('.html') ? path.resolve(out) : path.resolve(out, `loopft-report-${month}.html`)
}

export async function writeReportFile(file: string, html: string): Promise<void> {
  try {
    await fs.mkdir(path.dirname(file), {recursive: true})
    await writeFileAtomic(file, html)
  } catch (error) {
    throw new LoopftError('SYSTEM_ERROR', `cannot write the report ${file}: ${(error as Error).message}`, {suggestion: 'check that the directory is writable', cause: error})
  }
}
