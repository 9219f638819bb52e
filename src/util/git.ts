/** The few git questions portreg asks, answered by the git on the PATH. */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { usageError } from '../errors.js';

function git(args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ ok: !err, stdout, stderr }));
  });
}

/**
 * The git folder of the work tree holding `folder`, or null outside git. Read from the disk
 * (`.git` is that folder, or a file saying `gitdir: <path>` in a linked worktree or submodule),
 * not asked of git: every command asks it once, and spawning git would cost more than the rest.
 */
export async function gitDirOf(folder: string): Promise<string | null> {
  return (await workTreeOf(folder))?.gitDir ?? null;
}

/** The work tree holding `folder` (the folder with the `.git` entry) and its git folder, or null. */
async function workTreeOf(folder: string): Promise<{ top: string; gitDir: string } | null> {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    const info = await stat(dotGit).catch(() => null);
    if (info?.isDirectory()) return { top: dir, gitDir: dotGit };
    if (info?.isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8').catch(() => ''));
      if (m) return { top: dir, gitDir: path.resolve(dir, m[1]!) };
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * The repository's top folder (its real path, as git gives it), or null outside git. Read from
 * the disk like gitDirOf: a lint asks it on every commit, and a git process costs more than the
 * lint of a few files. Where the environment moves the repository (GIT_DIR, GIT_WORK_TREE), git answers.
 */
export async function gitTopLevel(cwd: string): Promise<string | null> {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE) {
    const r = await git(['rev-parse', '--show-toplevel'], cwd);
    return r.ok ? r.stdout.trim() : null;
  }
  const found = await workTreeOf(await realpath(cwd).catch(() => cwd));
  return found ? found.top : null;
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

/** A checkout: its repository (the git common dir, shared by every worktree), its top folder, and whether it is the main one. */
export interface Checkout {
  repository: string;
  worktree: string;
  main: boolean;
}

/** The checkout `cwd` lies in (real paths), or null outside git. */
export async function checkoutOf(cwd: string): Promise<Checkout | null> {
  const r = await git(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir', '--git-dir'], cwd);
  if (!r.ok) return null;
  const [top, common, gitDir] = r.stdout.split('\n');
  if (!top || !common || !gitDir) return null;
  const [worktree, repository, own] = await Promise.all([top, common, gitDir].map((p) => realpath(p).catch(() => p)));
  return { repository: repository!, worktree: worktree!, main: own === repository };
}

/**
 * The worktrees git knows of a repository (`git worktree list --porcelain`, asked of its common
 * dir), with real paths where the folder exists; null when git cannot answer (the repository is gone).
 */
export async function worktreesOf(repository: string): Promise<{ path: string; exists: boolean }[] | null> {
  const r = await git(['--git-dir', repository, 'worktree', 'list', '--porcelain', '-z'], path.dirname(repository));
  if (!r.ok) return null;
  const paths = r.stdout
    .split('\0')
    .filter((f) => f.startsWith('worktree '))
    .map((f) => f.slice('worktree '.length));
  return Promise.all(
    paths.map(async (p) =>
      realpath(p).then(
        (real) => ({ path: real, exists: true }),
        () => ({ path: p, exists: false }),
      ),
    ),
  );
}

/** The sides of a file that a merge or rebase left conflicted in git's index: stage 1 (base, absent when both sides added the file), 2 (ours), 3 (theirs). */
export interface ConflictStages {
  /** The file relative to the top folder, with forward slashes. */
  rel: string;
  base: string | null;
  ours: string | null;
  theirs: string | null;
}

/** The index stages of `file` (absolute), or null when git has no conflict for it (or it is outside git). */
export async function conflictStages(file: string): Promise<ConflictStages | null> {
  const top = await gitTopLevel(path.dirname(file));
  if (!top) return null;
  const rel = path
    .relative(top, await realpath(file).catch(() => file))
    .split(path.sep)
    .join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const listed = await git(['ls-files', '-u', '-z', '--', rel], top);
  if (!listed.ok) return null;
  // "mode sha stage\tpath" per entry.
  const stages = new Map<number, string>();
  for (const entry of listed.stdout.split('\0')) {
    const m = /^\d+ ([0-9a-f]+) ([123])\t/.exec(entry);
    if (m) stages.set(Number(m[2]), m[1]!);
  }
  if (stages.size === 0) return null;
  const text = async (stage: number) => {
    const sha = stages.get(stage);
    if (!sha) return null;
    const r = await git(['cat-file', 'blob', sha], top);
    if (!r.ok) throw usageError('git-failed', `git cannot read stage ${stage} of ${rel}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  return { rel, base: await text(1), ours: await text(2), theirs: await text(3) };
}

/**
 * git's own line merge of three files into `current` (`git merge-file`), markers and all; true
 * when it merged without a conflict. A merge driver that cannot merge leaves this, as git would.
 */
export async function mergeFileInPlace(current: string, base: string, other: string, labels: [string, string, string]): Promise<boolean> {
  const r = await git(['merge-file', '-L', labels[0], '-L', labels[1], '-L', labels[2], current, base, other], path.dirname(current));
  return r.ok;
}

/** A value of the repository's own git config (`git config --local`), or null when unset. */
export async function localConfig(top: string, key: string): Promise<string | null> {
  const r = await git(['config', '--local', '--get', key], top);
  return r.ok ? r.stdout.replace(/\n$/, '') : null;
}

export async function setLocalConfig(top: string, key: string, value: string): Promise<void> {
  const r = await git(['config', '--local', key, value], top);
  if (!r.ok) throw usageError('git-failed', `git config --local ${key} failed: ${r.stderr.trim()}`);
}

/**
 * The lines of each working file (relative to the top folder) that are not in revision `rev`:
 * added or changed since, 1-based. During a merge, against HEAD, those are the lines the other
 * side brought (and any edit made since).
 */
export async function linesChangedSince(top: string, rev: string): Promise<Map<string, Set<number>>> {
  const r = await git(['-c', 'core.quotePath=false', 'diff', '-U0', '--no-color', '--no-ext-diff', '--no-renames', rev, '--'], top);
  const changed = new Map<string, Set<number>>();
  if (!r.ok) return changed;
  let current: Set<number> | null = null;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4);
      current = name.startsWith('b/') ? new Set<number>() : null;
      if (current) changed.set(name.slice(2), current);
      continue;
    }
    const hunk = current && /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk) continue;
    const from = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    for (let n = from; n < from + count; n++) current!.add(n);
  }
  return changed;
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
