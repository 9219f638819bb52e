#!/usr/bin/env bash
# The GitHub Action's lint step: runs the CLI the way the runner calls it (inputs as INPUT_*
# variables, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files), so it can be tested off GitHub.
set -uo pipefail
cli="$GITHUB_ACTION_PATH/dist/cli/main.js"
args=(lint --format "${INPUT_FORMAT:-github}")
[ -n "${INPUT_REGISTRY:-}" ] && args+=(--registry "$INPUT_REGISTRY")
[ -n "${INPUT_MAX_WARNINGS:-}" ] && args+=(--max-warnings "$INPUT_MAX_WARNINGS")

status=0
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  node "$cli" lint --format sarif -o "$INPUT_SARIF_FILE" ${INPUT_REGISTRY:+--registry "$INPUT_REGISTRY"} >/dev/null 2>&1 || true
  [ -n "${GITHUB_OUTPUT:-}" ] && echo "sarif-file=$INPUT_SARIF_FILE" >> "$GITHUB_OUTPUT"
fi
node "$cli" "${args[@]}" || status=$?
exit "$status"
