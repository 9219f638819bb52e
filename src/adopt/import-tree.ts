/**
 * `portreg init --import` as a library call: scan the folder without a registry (with its
 * config's include, exclude, docs and env settings), then plan the registry that takes the tree
 * as it is. Files the scanner could not read are named in the notes: their ports are not imported.
 */
import path from 'node:path';
import { findConfig } from '../config/load-config.js';
import type { Registry } from '../registry/types.js';
import { scan } from '../scan/scan.js';
import { planImport, type ImportResult } from './plan-import.js';

export async function importTree(folder: string, fresh: Registry, now: Date): Promise<ImportResult> {
  const config = await findConfig(folder);
  const scanned = await scan({
    root: folder,
    registry: null,
    include: config?.config.include,
    exclude: config?.config.exclude,
    docs: config?.config.docs,
    envFiles: config?.config.envFiles,
  });
  const unread = scanned.findings
    .filter((f) => f.ruleId === 'parse-error' || f.ruleId === 'scan-skipped')
    .map((f) => `warning: ${f.file}:${f.line}:${f.column}: ${f.message}; ports there are not imported`);
  const result = planImport(scanned, fresh, { now, rootName: path.basename(folder) });
  return { ...result, notes: [...unread, ...result.notes] };
}
