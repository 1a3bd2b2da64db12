// Reads a JSON list of {name, simulation} from the file named by argv[2], runs each through
// @cloud-copilot/iam-simulate and prints a JSON list of {name, result} (overallResult, or
// "error: ..." when the simulator refused the input). Used by sespolicy/oracle_test.go.
import { readFileSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const out = []
for (const c of cases) {
  let result
  try {
    const r = await runSimulation(c.simulation, {})
    result = r.resultType === 'error' ? 'error: ' + JSON.stringify(r.errors) : r.overallResult
  } catch (e) {
    result = 'error: ' + String(e && e.message ? e.message : e)
  }
  out.push({ name: c.name, result })
}
process.stdout.write(JSON.stringify(out))
