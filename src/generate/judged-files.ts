/**
 * Which files `portreg generate` owns, by name, without loading the generators: a lint of a few
 * files asks whether any of them could be judged by generated-stale before paying for the
 * generators' modules and plan (about 20 ms of a 100 ms pre-commit lint).
 */
export const SUPERVISOR_DIR = '.supervisor-specific';
export const SUPERVISOR_JSON = `${SUPERVISOR_DIR}/ports.json`;
export const SUPERVISOR_MD = `${SUPERVISOR_DIR}/PORTS.md`;

/** What judge mode reads (GenerateInput.limit): the files a partial lint reports on, the files the scan saw markers in. */
export interface JudgeLimit {
  only?: ReadonlySet<string>;
  markerFiles?: ReadonlySet<string>;
}

/**
 * Whether judge mode reads this file: one the report covers, and for a file with a generated region
 * (not a whole generated file), one the scan saw markers in. The one rule planGenerate and lint share.
 */
export function judged(limit: JudgeLimit | undefined, file: string, whole: boolean): boolean {
  return (!limit?.only || limit.only.has(file)) && (whole || !limit?.markerFiles || limit.markerFiles.has(file));
}

/**
 * Whether judging the given files could find anything, decided from names alone: one of them is
 * judged as a region file, a project's supervisor file or the configured TypeScript module.
 */
export function mayJudgeAny(only: ReadonlySet<string>, markerFiles: ReadonlySet<string>, tsFile: string | undefined): boolean {
  const limit = { only, markerFiles };
  // plan.ts joins a project's folder ('.' for a project repository) and these names.
  const supervisorFile = (file: string) => [SUPERVISOR_JSON, SUPERVISOR_MD].some((name) => file === name || file.endsWith(`/${name}`));
  for (const file of only) if (judged(limit, file, file === tsFile || supervisorFile(file))) return true;
  return false;
}
