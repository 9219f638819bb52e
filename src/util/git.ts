/** The few git questions portreg asks, answered by the git on the PATH. */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { usageError } from '../errors.js';

function git(args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ ok: !err, stdout, stderr }));
  });
}

/** The repository's top folder, or null outside git (or without git). */
export async function gitTopLevel(cwd: string): Promise<string | null> {
  const r = await git(['rev-parse', '--show-toplevel'], cwd);
  return r.ok ? r.stdout.trim() : null;
}

/**
 * Files changed since the merge base of REF and HEAD, plus uncommitted and untracked ones,
 * relative to the top folder, and the merge base itself. Deleted files are listed too: their
 * findings disappear.
 */
export async function changedSince(ref: string, cwd: string): Promise<{ base: string; files: string[] }> {
  const base = await git(['merge-base', ref, 'HEAD'], cwd);
  if (!base.ok) {
    const shallow = (await git(['rev-parse', '--is-shallow-repository'], cwd)).stdout.trim() === 'true';
    throw usageError(
      'git-no-merge-base',
      shallow
        ? `--changed-since ${ref}: this clone is shallow and does not have the merge base of ${ref} and HEAD; fetch the history (in GitHub Actions: actions/checkout with fetch-depth: 0) and run again`
        : `--changed-since ${ref}: git cannot find the merge base of ${ref} and HEAD (${base.stderr.trim() || 'unknown revision'})`,
    );
  }
  const mergeBase = base.stdout.trim();
  const [committed, working, untracked] = await Promise.all([
    git(['diff', '--name-only', '-z', mergeBase, 'HEAD'], cwd),
    git(['diff', '--name-only', '-z', 'HEAD'], cwd),
    git(['ls-files', '--others', '--exclude-standard', '-z'], cwd),
  ]);
  const names = new Set<string>();
  for (const r of [committed, working, untracked]) for (const n of r.stdout.split('\0')) if (n) names.add(n);
  return { base: mergeBase, files: [...names].sort() };
}

/** The text of `file` (an absolute path) at revision `rev`, or null when git has no such file there. */
export async function fileAtRevision(rev: string, file: string): Promise<string | null> {
  // `REV:./name` is resolved from the working folder, so no top-level path is needed.
  const r = await git(['show', `${rev}:./${path.basename(file)}`], path.dirname(file));
  return r.ok ? r.stdout : null;
}

/** Whether git has `file` (absolute) at revision `rev`; asked from `top` (the top folder), so a deleted folder does not matter. */
export async function existsAtRevision(rev: string, top: string, file: string): Promise<boolean> {
  const rel = path.relative(top, file).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
  return (await git(['cat-file', '-e', `${rev}:${rel}`], top)).ok;
}

/** Files with uncommitted changes (staged or not), relative to the top folder. */
export async function dirtyFiles(cwd: string): Promise<string[]> {
  // -uall lists the files of an untracked folder, not the folder.
  const r = await git(['status', '--porcelain', '-z', '-uall'], cwd);
  if (!r.ok) return [];
  const fields = r.stdout.split('\0');
  const files: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length <= 3) continue;
    files.push(entry.slice(3));
    // A rename or copy is followed by its source path, a field of its own.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return files;
}

/** Files among `files` (relative to `root`) that git reports as modified, staged, or untracked; none outside git. */
export async function dirtyAmong(root: string, files: string[]): Promise<string[]> {
  if (files.length === 0) return [];
  const top = await gitTopLevel(root);
  if (!top) return [];
  const listed = await dirtyFiles(top);
  const realRoot = await realpath(root);
  return files.filter((f) => {
    const rel = path.relative(top, path.join(realRoot, f)).split(path.sep).join('/');
    // git shows an untracked folder as the folder alone ("new/"), whatever it holds.
    return listed.some((d) => d === rel || (d.endsWith('/') && rel.startsWith(d)));
  });
}

/** A remote-tracking branch: its short name (`origin/feat`) and the commit at its tip. */
export interface BranchTip {
  branch: string;
  commit: string;
}

/**
 * The remote-tracking branches whose tips are not in HEAD's history (a tip HEAD already holds has
 * nothing to claim that HEAD has not seen); all of them when HEAD has no commit yet. Symbolic refs
 * (`origin/HEAD`) are left out: they name a branch listed anyway.
 */
export async function remoteBranchTips(cwd: string): Promise<BranchTip[]> {
  const format = '--format=%(objectname) %(symref) %(refname:short)';
  let r = await git(['for-each-ref', '--no-merged', 'HEAD', format, 'refs/remotes'], cwd);
  if (!r.ok) r = await git(['for-each-ref', format, 'refs/remotes'], cwd);
  if (!r.ok) return [];
  const tips: BranchTip[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^([0-9a-f]+) (\S*) (.+)$/.exec(line);
    if (m && !m[2]) tips.push({ commit: m[1]!, branch: m[3]! });
  }
  return tips;
}

/**
 * The contents of many objects (`rev:path` specs) read by ONE `git cat-file --batch` process, in
 * the order asked; null for a spec git has no object for. Nothing is checked out.
 */
export function readObjects(cwd: string, specs: readonly string[]): Promise<(Buffer | null)[]> {
  if (specs.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return resolve(specs.map(() => null));
      const out = Buffer.concat(chunks);
      const results: (Buffer | null)[] = [];
      let at = 0;
      for (let i = 0; i < specs.length; i++) {
        const eol = out.indexOf(0x0a, at);
        if (eol < 0) break;
        const header = out.subarray(at, eol).toString('utf8');
        at = eol + 1;
        // "<oid> <type> <size>", or "<spec> missing" / "<spec> ambiguous".
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!m) {
          results.push(null);
          continue;
        }
        const size = Number(m[2]);
        results.push(m[1] === 'blob' ? out.subarray(at, at + size) : null);
        at += size + 1;
      }
      while (results.length < specs.length) results.push(null);
      resolve(results);
    });
    child.stdin.on('error', () => {});
    // A spec is one line: a path with a newline in it cannot be asked this way.
    child.stdin.end(specs.map((s) => s.replace(/\n/g, ' ')).join('\n') + '\n');
  });
}

/** A git command whose failure the caller judges (stdout, stderr and the exit status), with extra environment. */
export function gitRun(
  args: string[],
  cwd: string,
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ ok: boolean; stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: options.env ? { ...process.env, ...options.env } : process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ok: code === 0, stdout, stderr, code }));
    // A command that exits without reading its input (a failing one) closes the pipe: not our error.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Fetches one branch of a remote into its remote-tracking ref; the tip's commit, or git's complaint. */
export async function fetchBranch(top: string, remote: string, branch: string): Promise<{ commit: string } | { error: string; missing: boolean }> {
  const tracking = `refs/remotes/${remote}/${branch}`;
  const r = await gitRun(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', remote, `+refs/heads/${branch}:${tracking}`], top);
  if (!r.ok) {
    const error = firstLine(r.stderr) || `git fetch exited with ${r.code}`;
    return { error, missing: /couldn't find remote ref/i.test(r.stderr) };
  }
  const tip = await gitRun(['rev-parse', '--verify', '--quiet', `${tracking}^{commit}`], top);
  return tip.ok ? { commit: tip.stdout.trim() } : { error: `no ${tracking} after the fetch`, missing: true };
}

/**
 * A commit on `parent` that changes one file (`file`, relative to the top folder) to `content`,
 * made with plumbing on a private index: the user's working tree, index and branches are not
 * touched. The commit's id, or git's complaint (no identity, say).
 */
export async function commitOneFile(
  top: string,
  change: { parent: string; file: string; content: string; message: string },
): Promise<{ commit: string } | { error: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'portreg-index-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    const blob = await gitRun(['hash-object', '-w', '--stdin'], top, { input: change.content });
    if (!blob.ok) return { error: firstLine(blob.stderr) };
    for (const args of [
      ['read-tree', change.parent],
      ['update-index', '--add', '--cacheinfo', `100644,${blob.stdout.trim()},${change.file}`],
    ]) {
      const r = await gitRun(args, top, { env });
      if (!r.ok) return { error: firstLine(r.stderr) };
    }
    const tree = await gitRun(['write-tree'], top, { env });
    if (!tree.ok) return { error: firstLine(tree.stderr) };
    const commit = await gitRun(['commit-tree', tree.stdout.trim(), '-p', change.parent, '-F', '-'], top, { input: change.message });
    return commit.ok ? { commit: commit.stdout.trim() } : { error: firstLine(commit.stderr) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Pushes `commit` to `branch` of `remote` without force: 'pushed', 'rejected' when the branch
 * moved (not a fast-forward: the compare-and-set failed), or git's complaint for anything else
 * (unreachable, a hook declined, no permission).
 */
export async function pushCommit(top: string, remote: string, commit: string, branch: string): Promise<'pushed' | 'rejected' | { error: string }> {
  const r = await gitRun(['push', '--porcelain', remote, `${commit}:refs/heads/${branch}`], top);
  if (r.ok) return 'pushed';
  // Porcelain: "!<TAB>from:to<TAB>[rejected] (fetch first)" or "(non-fast-forward)": the branch moved.
  // "[remote rejected] (failed to update ref)" / "(cannot lock ref ...)" / "(incorrect old value
  // provided)": another push took the ref at the same moment, the same lost race. Any other
  // "[remote rejected]" is a hook's or a permission's no, which trying again would not change.
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('!'));
  if (lines.some((l) => l.includes('[rejected]') || /\[remote rejected\] \((failed to update ref|cannot lock ref|incorrect old value|failed to lock)/.test(l)))
    return 'rejected';
  const said = r.stdout.split('\n').find((l) => l.startsWith('!'));
  return { error: said ? said.split('\t').slice(2).join(' ') : firstLine(r.stderr) || `git push exited with ${r.code}` };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.replace(/^(fatal|error): /, '').trim())
      .find(Boolean) ?? ''
  );
}
