/** Reads vitest JSON reports and prints one plain closing line per run: "label: N passed, N failed". */
import { readFileSync } from "node:fs";

let failedAny = false;
for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.split("=") as [string, string];
  const report = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
  if (report.numFailedTests > 0) failedAny = true;
  console.log(`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`);
}
process.exit(failedAny ? 1 : 0);
