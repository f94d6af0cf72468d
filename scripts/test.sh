#!/usr/bin/env bash
# The whole test suite: system packages, type-check, lint, then every vitest suite (unit,
# property, integration against real servers). Prints the plain closing line
# `N passed, N failed` that CI reads, and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh || exit 1
npm run --silent typecheck || { echo "type-check failed"; echo "0 passed, 1 failed"; exit 1; }
npm run --silent lint || { echo "lint failed"; echo "0 passed, 1 failed"; exit 1; }

results=.vitest-results.json
rm -f "$results"
npx vitest run --reporter=default --reporter=json --outputFile="$results" "$@"
status=$?
node -e '
  const fs = require("node:fs");
  const file = process.argv[1];
  if (!fs.existsSync(file)) { console.log("0 passed, 1 failed"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A file that failed to load has no failed test inside it but must still fail the run.
  const brokenFiles = (r.testResults ?? []).filter(
    (f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"),
  ).length;
  const failed = r.numFailedTests + brokenFiles;
  console.log(`${r.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results"
exit $status
