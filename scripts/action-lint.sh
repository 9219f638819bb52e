#!/usr/bin/env bash
# The GitHub Action's lint step: runs the CLI the way the runner calls it (inputs as INPUT_*
# variables, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files), so it can be tested off GitHub.
# The exit code is the lint's: 0 clean, 1 findings, 2 usage, configuration or registry errors.
set -uo pipefail
cli="$GITHUB_ACTION_PATH/dist/bundle/main.js"
common=()
if [ -n "${INPUT_REGISTRY:-}" ]; then common+=(--registry "$INPUT_REGISTRY"); fi
# A pull-request check: only the files changed since the merge base with this ref (needs fetch-depth: 0).
if [ -n "${INPUT_CHANGED_SINCE:-}" ]; then common+=(--changed-since "$INPUT_CHANGED_SINCE"); fi

if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  # A SARIF file left from an earlier run must not pass for this one's.
  rm -f -- "$INPUT_SARIF_FILE"
  # Its findings and exit code are the same as the run below, which reports them.
  node "$cli" lint ${common[@]+"${common[@]}"} --format sarif -o "$INPUT_SARIF_FILE" >/dev/null 2>&1
  if [ -f "$INPUT_SARIF_FILE" ]; then
    # Absolute, so a later step finds it whatever its working directory (inputs.working-directory).
    sarif_dir="$(cd "$(dirname -- "$INPUT_SARIF_FILE")" && pwd)"
    if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "sarif-file=$sarif_dir/$(basename -- "$INPUT_SARIF_FILE")" >>"$GITHUB_OUTPUT"; fi
  else
    echo "portreg: no SARIF report was written to $INPUT_SARIF_FILE (see the errors below)" >&2
  fi
fi

args=(lint --format "${INPUT_FORMAT:-github}")
if [ -n "${INPUT_MAX_WARNINGS:-}" ]; then args+=(--max-warnings "$INPUT_MAX_WARNINGS"); fi
status=0
node "$cli" "${args[@]}" ${common[@]+"${common[@]}"} || status=$?
exit "$status"
