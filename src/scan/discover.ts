/**
 * Which files a scan reads: compose files, env templates and READMEs under a root, in one
 * fast-glob pass, with .gitignore files honoured at every level and symlinks kept inside the root.
 */
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import { readdirSync } from 'node:fs';
import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

export type FileKind = 'compose' | 'env' | 'markdown' | 'code' | 'package-json' | 'devcontainer';

export interface DiscoveredFile {
  /** Relative to the root, with '/' separators. */
  path: string;
  kind: FileKind;
}

export interface DiscoveryOptions {
  root: string;
  /** Extra globs to read (kind from the file name). */
  include?: string[];
  /** Globs never to read. */
  exclude?: string[];
  /** Also read Markdown under these globs (for example docs/**\/*.md). */
  docs?: string[];
  /** Also read these env files; a real .env is never read unless named here (it may hold secrets). */
  envFiles?: string[];
  /** Only look below these folders (relative to the root): a lint of given files reads their projects, not the tree. */
  within?: string[];
  /** Also read TypeScript and JavaScript (code scanning, opt-in). */
  code?: boolean;
}

export interface DiscoveryProblem {
  path: string;
  message: string;
}

export const COMPOSE_GLOB = '**/{docker-,}compose{,.*}.{yml,yaml}';
export const ENV_TEMPLATE_GLOBS = ['**/.env.example', '**/.env.sample', '**/.env.template', '**/.env.*.example'];
export const README_GLOB = '**/README*.md';
/** npm scripts (dev servers' ports) and dev container configs (forwarded and published ports). */
export const PACKAGE_JSON_GLOB = '**/package.json';
export const DEVCONTAINER_GLOBS = ['**/.devcontainer/devcontainer.json', '**/.devcontainer/*/devcontainer.json', '**/.devcontainer.json'];
const ALWAYS_SKIPPED = ['**/node_modules/**', '**/.git/**'];
/** What every scan reads, before the config's docs, envFiles and include (and code with --code). */
export const DEFAULT_PATTERNS: readonly string[] = [COMPOSE_GLOB, ...ENV_TEMPLATE_GLOBS, README_GLOB, PACKAGE_JSON_GLOB, ...DEVCONTAINER_GLOBS];
/** Source files code scanning reads; configs (vite.config.mts, next.config.cjs, ...) have these endings too. */
export const CODE_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';
/** Build output, vendored and generated code: not where anyone writes a port by hand. */
const CODE_SKIPPED = [
  '**/dist/**',
  '**/build/**',
  '**/out/**',
  '**/.next/**',
  '**/.nuxt/**',
  '**/.svelte-kit/**',
  '**/coverage/**',
  '**/vendor/**',
  '**/*.d.{ts,mts,cts}',
  '**/*.min.{js,mjs,cjs}',
  '**/*.bundle.js',
];
const CODE_NAME = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;
const CODE_SKIPPED_NAME = picomatch(CODE_SKIPPED, { dot: true });
/** Up to this many `within` folders get patterns of their own; more are filtered after one walk. */
const MAX_WITHIN_PATTERNS = 16;

const COMPOSE_NAME = /^(?:docker-)?compose(?:\..+)?\.ya?ml$/i;
const ENV_NAME = /^\.env(?:\..+)?$/;
const DEVCONTAINER_PATH = /(?:^|\/)(?:\.devcontainer\/(?:[^/]+\/)?devcontainer\.json|\.devcontainer\.json)$/i;

export function kindOf(file: string): FileKind | null {
  const base = path.posix.basename(file);
  if (COMPOSE_NAME.test(base)) return 'compose';
  if (base === 'package.json') return 'package-json';
  if (DEVCONTAINER_PATH.test(file)) return 'devcontainer';
  if (ENV_NAME.test(base) || base.endsWith('.env')) return 'env';
  if (/\.(?:md|markdown)$/i.test(base)) return 'markdown';
  if (CODE_NAME.test(base)) return 'code';
  return null;
}

/** Folders' .gitignore rules, each applied to paths relative to its own folder. */
class GitignoreStack {
  private readonly byFolder = new Map<string, Ignore>();

  static async load(root: string, files: string[]): Promise<GitignoreStack> {
    const stack = new GitignoreStack();
    for (const file of files) {
      const text = await readFile(path.join(root, file), 'utf8').catch(() => '');
      stack.byFolder.set(path.posix.dirname(file), ignore().add(text));
    }
    return stack;
  }

  /** Ignored by the .gitignore of any folder above it (a folder's rules cover what is below it). */
  ignores(file: string): boolean {
    if (this.byFolder.size === 0) return false;
    const parts = file.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const folder = depth === 0 ? '.' : parts.slice(0, depth).join('/');
      const rules = this.byFolder.get(folder);
      if (rules?.ignores(parts.slice(depth).join('/'))) return true;
    }
    return false;
  }
}

export async function discoverFiles(options: DiscoveryOptions): Promise<{ files: DiscoveredFile[]; problems: DiscoveryProblem[] }> {
  const root = path.resolve(options.root);
  // No folders to read (a partial lint of the registry alone, unchanged): nothing to walk.
  if (options.within && options.within.length === 0) return { files: [], problems: [] };
  const base = [...DEFAULT_PATTERNS, ...(options.code ? [CODE_GLOB] : []), ...(options.docs ?? []), ...(options.envFiles ?? []), ...(options.include ?? [])];
  const within = options.within?.map((w) => w.replace(/\/+$/, '')).filter((w) => w !== '.' && w !== '');
  const limited = within && within.length > 0 && within.length === options.within!.length;
  // A few folders: patterns below each, so only they are walked. Many folders (a migration of
  // hundreds of projects): fast-glob matches every entry against every pattern, which grows with
  // the product; one walk of the tree with the plain patterns, keeping what lies below a folder,
  // costs a walk and no more.
  const perFolder = limited && within.length <= MAX_WITHIN_PATTERNS;
  const below = limited && !perFolder ? new Set(within) : null;
  const patterns = perFolder ? within.flatMap((folder) => base.map((p) => `${fg.escapePath(folder)}/${p.replace(/^\*\*\//, '**/')}`)) : base;
  // One walk finds the files and the .gitignore files that judge them in the folders walked.
  // Those above the folders are at known paths, looked up directly: as glob patterns they would
  // make fast-glob walk from the root (tens of milliseconds for a lint of three files).
  const gitignores = patterns === base ? ['**/.gitignore'] : [...new Set(within!.map((folder) => `${fg.escapePath(folder)}/**/.gitignore`))];
  const aboveGitignores =
    patterns === base ? [] : [...new Set(within!.flatMap((folder) => ancestors(folder).map((a) => (a === '.' ? '.gitignore' : `${a}/.gitignore`))))];
  // fast-glob skips a folder it cannot read without a word (suppressErrors); its fs adapter lets
  // us hear of it, so the user learns which part of the tree was not looked at.
  const unreadable: string[] = [];
  const readdirNoting = ((folder: string, options: Parameters<typeof readdirSync>[1]) => {
    try {
      return readdirSync(folder, options);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') unreadable.push(folder);
      throw err;
    }
  }) as typeof readdirSync;
  // Synchronous: a walk of many small folders spends more in the thread pool's round trips than in
  // the reads (5,000 projects: 0.6 s asynchronous, 0.2 s synchronous). The caller yields after it.
  const entries = fg.sync([...patterns, ...gitignores], {
    cwd: root,
    fs: { readdirSync: readdirNoting },
    dot: true,
    ignore: [...ALWAYS_SKIPPED, ...(options.exclude ?? [])],
    followSymbolicLinks: false,
    // onlyFiles would drop symlinks to files too; folders are told apart by their dirent instead.
    onlyFiles: false,
    objectMode: true,
    caseSensitiveMatch: false,
    suppressErrors: true,
    unique: true,
  });
  const above = (await Promise.all(aboveGitignores.map((file) => notAFolder(root, file)))).filter((f): f is string => f !== null);
  const gitignore = await GitignoreStack.load(root, [
    ...above,
    ...entries.filter((e) => e.name === '.gitignore' && !e.dirent.isDirectory()).map((e) => e.path),
  ]);
  const explicit = new Set([...(options.envFiles ?? []), ...(options.include ?? [])]);
  const problems: DiscoveryProblem[] = [...new Set(unreadable)].sort().map((folder) => ({
    path: path.relative(root, folder).split(path.sep).join('/') || '.',
    message: 'is a folder that cannot be read (permission denied): nothing below it was scanned',
  }));
  const files: DiscoveredFile[] = [];
  let realRoot: string | undefined;
  for (const entry of entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const file = entry.path;
    if (entry.dirent.isDirectory() || entry.name === '.gitignore') continue;
    const kind = kindOf(file);
    if (!kind) continue;
    // Code is read only with code scanning on, and never from build output or minified bundles.
    if (kind === 'code' && (!options.code || CODE_SKIPPED_NAME(file))) continue;
    if (
      below &&
      !ancestors(file)
        .slice(1)
        .some((folder) => below.has(folder))
    )
      continue;
    // A real .env may hold secrets: only when asked for by name or glob.
    if (kind === 'env' && !isEnvTemplate(file) && !matchesAny(file, options.envFiles ?? [])) continue;
    if (gitignore.ignores(file) && !explicit.has(file)) continue;
    // Folders are not followed through links, so only the entry itself can lead outside.
    if (entry.dirent.isSymbolicLink()) {
      realRoot ??= await realpath(root).catch(() => root);
      if (!(await staysInside(realRoot, path.join(root, file)))) {
        problems.push({ path: file, message: 'is a symbolic link that leads outside the root: not read' });
        continue;
      }
    }
    files.push({ path: file, kind });
  }
  return { files, problems };
}

/** The file, when it exists and is not a folder (a .gitignore may be a link, read through it); else null. */
async function notAFolder(root: string, file: string): Promise<string | null> {
  const info = await lstat(path.join(root, file)).catch(() => null);
  return info && !info.isDirectory() ? file : null;
}

/** '.', 'a', 'a/b' for 'a/b/c'. */
function ancestors(folder: string): string[] {
  const parts = folder.split('/');
  return ['.', ...parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'))];
}

export function isEnvTemplate(file: string): boolean {
  const base = path.posix.basename(file);
  return /^\.env\.(?:example|sample|template)$/.test(base) || /^\.env\..+\.example$/.test(base);
}

function matchesAny(file: string, globs: string[]): boolean {
  return globs.length > 0 && picomatch(globs, { dot: true })(file);
}

async function staysInside(realRoot: string, file: string): Promise<boolean> {
  try {
    const real = await realpath(file);
    const rel = path.relative(realRoot, real);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  } catch {
    // Vanished or a broken link: the reader reports it.
    return true;
  }
}
