import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
// Compiled from the schema at build time (scripts/compile-schemas.mjs).
import { validate as compiledValidate } from '../generated/config-schema.validate.js';
import { usageError } from '../errors.js';
import { JsonDocument } from '../registry/json-document.js';
import { displayPathFor } from '../registry/load.js';
import type { RemoteTarget } from '../registry/remote.js';
import { schemaFile } from '../package-info.js';
import { nearest } from '../util/suggest.js';

export interface PortregConfig {
  registry?: string;
  project?: string;
  include?: string[];
  exclude?: string[];
  docs?: string[];
  envFiles?: string[];
  rules?: Record<string, 'off' | 'warn' | 'error'>;
  baseline?: string;
  /** Scan TypeScript and JavaScript too (--code). */
  code?: boolean;
  /** portreg generate: where the root table and the TypeScript module go (relative to the config file). */
  generate?: { rootDocs?: string; ts?: string };
  /** Read the claims of other remote-tracking branches (default true). */
  branchClaims?: boolean;
  /** Allocate through the git remote (docs/git-allocation.md). */
  git?: { remote?: string; branch?: string; tries?: number };
}

export interface LoadedConfig {
  /** Absolute path of the file the settings came from. */
  file: string;
  config: PortregConfig;
}

/** Files searched in each folder, in this order; the first one found wins. */
export const CONFIG_FILE_NAMES = ['portreg.config.json', '.portregrc.json', '.portregrc', 'package.json'];

const validate = compiledValidate as { (data: unknown): boolean; errors?: ErrorObject[] | null };

/** Looks for a config file from `cwd` upward; undefined when there is none. */
export async function findConfig(cwd: string): Promise<LoadedConfig | undefined> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = path.join(dir, name);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        continue;
      }
      const loaded = parseConfig(text, file, cwd);
      if (loaded) return loaded;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Parses and validates one config file; a package.json without a "portreg" key is no config. */
export function parseConfig(text: string, file: string, cwd = process.cwd()): LoadedConfig | undefined {
  const shown = displayPathFor(file, cwd);
  const doc = new JsonDocument(text);
  const syntax = doc.syntaxProblems[0];
  if (syntax) {
    const at = doc.lines.position(syntax.start);
    throw usageError('config-invalid', `${shown}:${at.line}:${at.column}: ${syntax.message}`);
  }
  let data = JSON.parse(text) as unknown;
  let basePath: (string | number)[] = [];
  if (path.basename(file) === 'package.json') {
    if (typeof data !== 'object' || data === null || !('portreg' in data)) return undefined;
    data = (data as { portreg: unknown }).portreg;
    basePath = ['portreg'];
  }
  if (!validate(data)) {
    const e = validate.errors![0]!;
    const segs = e.instancePath.split('/').slice(1);
    const extra = e.keyword === 'additionalProperties' ? [(e.params as { additionalProperty: string }).additionalProperty] : [];
    const at = doc.locationAt([...basePath, ...segs, ...extra], { key: extra.length > 0 });
    const what = extra.length
      ? `unknown setting "${extra[0]}"${didYouMean(extra[0]!, settingsAt(e.schemaPath))}`
      : `${segs.join('.') || 'config'} ${e.message}`;
    throw usageError('config-invalid', `${shown}:${at.line}:${at.column}: ${what}`);
  }
  return { file, config: data as PortregConfig };
}

/** Rule ids in the config must exist: a typo would silently leave a rule on. */
export function checkRuleIds(loaded: LoadedConfig, known: Set<string>, cwd = process.cwd()): void {
  const unknown = Object.keys(loaded.config.rules ?? {}).filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  const doc = new JsonDocument(readFileSync(loaded.file, 'utf8'));
  const base = path.basename(loaded.file) === 'package.json' ? ['portreg'] : [];
  const at = doc.locationAt([...base, 'rules', unknown[0]!], { key: true });
  throw usageError(
    'config-invalid',
    `${displayPathFor(loaded.file, cwd)}:${at.line}:${at.column}: unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (${ruleHint(unknown[0]!, known)}see docs/rules/README.md for the list)`,
  );
}

/** Whether a command reads other branches' claims: the flag when given, else the config's "branchClaims" (default on). */
export function branchClaimsEnabled(config: LoadedConfig | undefined, flag?: boolean): boolean {
  return flag ?? config?.config.branchClaims ?? true;
}

/** The branch of record without settings: origin's main; 20 tries cover a burst of a few dozen writers. */
export const DEFAULT_REMOTE_TARGET: RemoteTarget = { remote: 'origin', branch: 'main', tries: 20 };

/**
 * Where registry changes go: the git remote (`flag` is --git / --no-git when given; otherwise the
 * config's "git" turns it on), or undefined for the working tree's registry.
 */
export function remoteTargetOf(config: LoadedConfig | undefined, flag?: boolean): RemoteTarget | undefined {
  const settings = config?.config.git;
  if (!(flag ?? settings !== undefined)) return undefined;
  return {
    remote: settings?.remote ?? DEFAULT_REMOTE_TARGET.remote,
    branch: settings?.branch ?? DEFAULT_REMOTE_TARGET.branch,
    tries: settings?.tries ?? DEFAULT_REMOTE_TARGET.tries,
  };
}

/** `did you mean "port-unsafe"? ` when a known rule is near the unknown one, else nothing. */
function ruleHint(id: string, known: Iterable<string>): string {
  const near = nearest(id, known);
  return near ? `did you mean "${near}"? ` : '';
}

/** ` (did you mean "registry"?)` when a known name is near the unknown one, else nothing. */
function didYouMean(word: string, known: Iterable<string>): string {
  const near = nearest(word, known);
  return near ? ` (did you mean "${near}"?)` : '';
}

/**
 * The settings an object of the config schema allows, from the schema that ships with portreg (the
 * one the validator was compiled from): `schemaPath` is where the additionalProperties error arose,
 * such as `#/properties/generate/additionalProperties`.
 */
function settingsAt(schemaPath: string): string[] {
  try {
    let node = JSON.parse(readFileSync(schemaFile('portreg.config.schema.json'), 'utf8')) as Record<string, unknown>;
    for (const seg of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) node = node[decodeURIComponent(seg)] as Record<string, unknown>;
    return Object.keys((node.properties as Record<string, unknown> | undefined) ?? {}).filter((k) => k !== '$schema');
  } catch {
    // No schema beside the code (a library copied without it): no hint, the error stands.
    return [];
  }
}
