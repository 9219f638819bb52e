/**
 * Which files `portreg generate` owns, by name, without loading the generators: a lint of a few
 * files asks whether any of them could be judged by generated-stale before paying for the
 * generators' modules and plan (about 20 ms of a 100 ms pre-commit lint).
 */
export const SUPERVISOR_DIR = '.supervisor-specific';
export const SUPERVISOR_JSON = `${SUPERVISOR_DIR}/ports.json`;
export const SUPERVISOR_MD = `${SUPERVISOR_DIR}/PORTS.md`;

/**
 * Whether judging the given files could find anything: one of them holds a generated region (the
 * scan saw its markers), is a project's supervisor file (generated whole), or is the configured
 * TypeScript module. The same limits planGenerate applies in judge mode (plan.ts).
 */
export function mayJudgeAny(only: ReadonlySet<string>, markerFiles: ReadonlySet<string>, tsFile: string | undefined): boolean {
  // plan.ts joins a project's folder ('.' for a project repository) and these names.
  const supervisorFile = (file: string) => [SUPERVISOR_JSON, SUPERVISOR_MD].some((name) => file === name || file.endsWith(`/${name}`));
  for (const file of only) if (markerFiles.has(file) || file === tsFile || supervisorFile(file)) return true;
  return false;
}
