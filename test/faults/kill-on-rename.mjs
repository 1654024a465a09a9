// Preloaded into the CLI by the fault tests (node --import): SIGKILLs the process around the
// rename of an export file into place, the way a crash or an operator's kill -9 would land there.
//   LOOPFT_FAULT_KILL_BEFORE_RENAME=N  dies just before the Nth rename of a fine_tune_/master file
//   LOOPFT_FAULT_KILL_AFTER_RENAME=N   dies just after it
import fs from 'node:fs/promises'
import path from 'node:path'

const before = Number(process.env.LOOPFT_FAULT_KILL_BEFORE_RENAME ?? 0)
const after = Number(process.env.LOOPFT_FAULT_KILL_AFTER_RENAME ?? 0)
const rename = fs.rename
let count = 0
fs.rename = async (from, to) => {
  if (!/^(fine_tune_|master)/.test(path.basename(String(to)))) return rename(from, to)
  count += 1
  if (count === before) process.kill(process.pid, 'SIGKILL')
  await rename(from, to)
  if (count === after) process.kill(process.pid, 'SIGKILL')
}
