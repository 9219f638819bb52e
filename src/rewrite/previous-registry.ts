/**
 * The previous registry for `portreg migrate --from OLD`: a file, or a git revision at which
 * the registry file is read with `git show REV:path`.
 */
import { execFile } from 'node:child_process';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { parseRegistryText } from '../registry/load.js';
import type { Registry } from '../registry/types.js';
import { formatFindingsBrief } from '../registry/store.js';
import { gitTopLevel } from '../util/git.js';

export interface PreviousRegistry {
  registry: Registry;
  /** Where it came from, for messages: the file, or `REV:path`. */
  label: string;
  source: 'file' | 'git';
}

function git(args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ ok: !err, stdout, stderr }));
  });
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** `from` is a file when one exists at that path (relative to cwd), else a git revision. */
export async function readPreviousRegistry(from: string, registryPath: string, cwd: string): Promise<PreviousRegistry> {
  const asFile = path.resolve(cwd, from);
  if (await isFile(asFile)) {
    const text = await readFile(asFile, 'utf8');
    return { registry: parse(text, asFile, from, cwd), label: from, source: 'file' };
  }
  if (from.startsWith('-') || from.trim() === '') throw usageError('usage', `--from "${from}" is neither a file nor a git revision`);
  const dir = path.dirname(registryPath);
  const top = await gitTopLevel(dir);
  if (!top) throw usageError('from-missing', `--from ${from}: there is no such file, and ${dir} is not in a git repository, so it cannot be a revision either`);
  const rel = path
    .relative(top, await realpath(registryPath).catch(() => registryPath))
    .split(path.sep)
    .join('/');
  const label = `${from}:${rel}`;
  const shown = await git(['show', `${from}:${rel}`], top);
  if (shown.ok) return { registry: parse(shown.stdout, path.join(top, rel), label, cwd), label, source: 'git' };

  const commit = await git(['rev-parse', '--verify', '--quiet', `${from}^{commit}`], top);
  if (commit.ok) throw usageError('from-missing', `--from ${from}: ${rel} does not exist at ${from}; name a revision that has the registry, or a file`);
  const shallow = (await git(['rev-parse', '--is-shallow-repository'], top)).stdout.trim() === 'true';
  if (shallow) {
    throw usageError(
      'git-shallow',
      `--from ${from}: this clone is shallow and does not have ${from}; fetch the history it needs and run again: git fetch --deepen=1 (one more commit), or git fetch --unshallow (all of it); in GitHub Actions: actions/checkout with fetch-depth: 0`,
    );
  }
  throw usageError('from-missing', `--from ${from}: there is no such file, and git does not know the revision ${from}`);
}

function parse(text: string, absolute: string, label: string, cwd: string): Registry {
  const loaded = parseRegistryText(text, absolute, { cwd });
  if (!loaded.data) {
    const errors = loaded.findings.filter((f) => f.severity === 'error').map((f) => ({ ...f, file: label }));
    throw usageError('from-invalid', `the previous registry ${label} cannot be read:\n${formatFindingsBrief(errors)}`);
  }
  return loaded.data;
}
