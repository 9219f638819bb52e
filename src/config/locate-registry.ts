import { access } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { findConfig, type LoadedConfig } from './load-config.js';
import { REGISTRY_FILE_NAME } from '../registry/types.js';
import { recoverInterrupted } from '../fix/recover.js';

export type RegistrySource = 'option' | 'env' | 'config' | 'search';

export interface LocatedRegistry {
  path: string;
  source: RegistrySource;
  /** The project this working tree is, when a config names one. */
  project?: string;
  config?: LoadedConfig;
}

export interface LocateOptions {
  cwd: string;
  /** --registry */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  /** Where a recovery of an interrupted write says what it did (default: stderr). */
  report?: (line: string) => void;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** The nearest ports.registry.json from `start` upward, as git finds .git. */
export async function findRegistryUpward(start: string): Promise<string | undefined> {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, REGISTRY_FILE_NAME);
    if (await exists(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Which registry a command works on: --registry, else PORTREG_REGISTRY, else the
 * config file's "registry", else the nearest ports.registry.json upward.
 */
export async function locateRegistry(options: LocateOptions): Promise<LocatedRegistry> {
  const located = await locate(options);
  // Every command that reads the tree comes here first: a change set a killed process left
  // half done is finished (or taken back) before anything is read (fix/recover.ts).
  const report = options.report ?? ((line: string) => process.stderr.write(line));
  for (const line of await recoverInterrupted(located.path)) report(`portreg: ${line}\n`);
  return located;
}

async function locate(options: LocateOptions): Promise<LocatedRegistry> {
  const env = options.env ?? process.env;
  const config = await findConfig(options.cwd);
  const project = config?.config.project;
  const withProject = (r: LocatedRegistry): LocatedRegistry => ({ ...r, ...(project ? { project } : {}), ...(config ? { config } : {}) });
  if (options.explicit) return withProject({ path: path.resolve(options.cwd, options.explicit), source: 'option' });
  if (env.PORTREG_REGISTRY) return withProject({ path: path.resolve(options.cwd, env.PORTREG_REGISTRY), source: 'env' });
  if (config?.config.registry) {
    return withProject({ path: path.resolve(path.dirname(config.file), config.config.registry), source: 'config' });
  }
  const found = await findRegistryUpward(options.cwd);
  if (found) return withProject({ path: found, source: 'search' });
  throw usageError(
    'registry-not-found',
    `no ${REGISTRY_FILE_NAME} found in ${options.cwd} or any folder above it: create one with "portreg init", or name it with --registry, PORTREG_REGISTRY or "registry" in portreg.config.json`,
  );
}
