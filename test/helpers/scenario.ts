/**
 * A small repository in a temporary folder, built from a description: the files (path -> text),
 * the registry (`ports.registry.json`), the config (`portreg.config.json`) and, when asked, a git
 * repository with everything committed by a fixed author at a fixed date. Removed when the test
 * that made it finishes (or, made outside a test, after the test file). With `from`, a copy of a
 * fixture folder: the one way tests get a fresh tree to change.
 */
import { cp, mkdtemp, mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, onTestFinished } from 'vitest';
import { git } from './git.js';

export interface ScenarioOptions {
  /** A fixture folder copied first (symbolic links as they are); `files`, `registry` and `config` go over it. */
  from?: string;
  /** Files by path relative to the root (POSIX separators); a Buffer is written as is. */
  files?: Record<string, string | Buffer>;
  /** Written as `ports.registry.json`: an object as indented JSON with a final newline, a string as is. */
  registry?: object | string;
  /** Written as `portreg.config.json` (indented JSON). */
  config?: object;
  /** `git init`, then one commit of everything with a fixed author and date. */
  git?: boolean;
  /** The temporary folder's name prefix. */
  prefix?: string;
}

export interface Scenario {
  /** The temporary folder (its real path: git and the scanner see the same one). */
  root: string;
  /** The absolute path of a root-relative file. */
  path(file: string): string;
  read(file: string): Promise<string>;
  readBytes(file: string): Promise<Buffer>;
  /** Writes a file, making its folders. */
  write(file: string, text: string | Buffer): Promise<void>;
  remove(file: string): Promise<void>;
  /** Runs git in the root with the fixed identity and date; returns its stdout. Throws when git fails. */
  git(...args: string[]): string;
  /** `git add -A` and a commit. */
  commit(message: string): void;
  cleanup(): Promise<void>;
}

export const REGISTRY_FILE = 'ports.registry.json';
export const CONFIG_FILE = 'portreg.config.json';

/** Scenarios not yet removed: a scenario made outside a test is removed after the test file. */
const live = new Set<Scenario>();
afterAll(async () => {
  await Promise.all([...live].map((s) => s.cleanup()));
});

export function registryText(registry: object | string): string {
  return typeof registry === 'string' ? registry : `${JSON.stringify(registry, null, 2)}\n`;
}

export async function scenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), options.prefix ?? 'portreg-scenario-')));
  const abs = (file: string) => {
    const absolute = path.resolve(root, file);
    if (path.relative(root, absolute).startsWith('..')) throw new Error(`scenario: ${file} lies outside the scenario's folder`);
    return absolute;
  };
  const write = async (file: string, text: string | Buffer) => {
    await mkdir(path.dirname(abs(file)), { recursive: true });
    await writeFile(abs(file), text);
  };
  const s: Scenario = {
    root,
    path: abs,
    read: (file) => readFile(abs(file), 'utf8'),
    readBytes: (file) => readFile(abs(file)),
    write,
    remove: (file) => rm(abs(file), { recursive: true, force: true }),
    git: (...args) => git(root, ...args),
    commit: (message) => {
      git(root, 'add', '-A');
      git(root, 'commit', '-q', '--allow-empty', '-m', message);
    },
    cleanup: async () => {
      live.delete(s);
      await rm(root, { recursive: true, force: true });
    },
  };
  live.add(s);
  try {
    onTestFinished(() => s.cleanup());
  } catch {
    // Made outside a test (beforeAll, the collection phase): the afterAll above removes it.
  }
  if (options.from) await cp(options.from, root, { recursive: true, verbatimSymlinks: true });
  for (const [file, text] of Object.entries(options.files ?? {})) await write(file, text);
  if (options.registry !== undefined) await write(REGISTRY_FILE, registryText(options.registry));
  if (options.config !== undefined) await write(CONFIG_FILE, `${JSON.stringify(options.config, null, 2)}\n`);
  if (options.git) {
    s.git('init', '-q');
    s.commit('initial');
  }
  return s;
}

/** A fresh copy of a fixture folder (see `from`); its path. Removed as a scenario is. */
export async function copyFixture(from: string, options: Omit<ScenarioOptions, 'from'> = {}): Promise<string> {
  return (await scenario({ ...options, from })).root;
}
