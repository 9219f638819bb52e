/** Writes planned files as `lint --fix` does: one change set, no registry, uncommitted changes allowed. */
import type { AppliedFile } from '../../src/fix/apply.js';
import { changeOf, commitChangeSet } from '../../src/fix/commit.js';

export async function writeAll(root: string, files: readonly AppliedFile[]): Promise<string[]> {
  return (await commitChangeSet({ root, files: files.map(changeOf), uncommitted: { refuse: false } })).written;
}
