/**
 * The registry's read-modify-write: under the lock, read and check the file, run a pure
 * change on it, and replace the file atomically, but only if it still holds the bytes that
 * were read (compare-and-set). On a mismatch the change is run again on the fresh file,
 * never merged (as Kubernetes' port allocator does).
 */
import path from 'node:path';
import { ExitCode, PortregError, refusal } from '../errors.js';
import { crashPoint, failRegistryWriteForTest, lockDisabledForTest, testDelay } from '../util/test-hooks.js';
import { ChangedOnDisk, removeOrphanTemps, replaceIfUnchanged, writeFileAtomic } from '../util/atomic-write.js';
import { acquireLock, type LockOptions } from './lock.js';
import { loadRegistry, parseRegistryText, type LoadedRegistry } from './load.js';
import { serializeRegistry } from './serialize.js';
import type { Registry } from './types.js';
import type { Finding } from '../findings.js';

export interface ChangeOutcome<T> {
  /** The new registry, or undefined when nothing is to be written. */
  registry?: Registry;
  result: T;
}

export interface UpdateOptions {
  now?: Date;
  lock?: LockOptions;
  cwd?: string;
  /**
   * The change repairs the registry (migrate, after a range was moved by hand without its
   * ports): a registry that passes its schema but fails its checks is read, and the result is
   * written only if it passes them all.
   */
  repair?: boolean;
  /**
   * Called under the lock with the planned write (`after` null: nothing to write), before the
   * registry is replaced; called again if the registry changed on disk and the change was planned
   * anew. The change-set commit renames its files and journals the registry's change here.
   */
  beforeWrite?: (plan: { before: string; after: string | null }) => Promise<void>;
  /**
   * The change settles a merge (registry resolve): the file may hold git's conflict markers or
   * fail its checks, so it is not parsed for the change, which plans from the text read
   * (`loaded.text`; the registry it is given is `loaded.data`, undefined when the file does not
   * parse). The result must pass every check, as any other.
   */
  resolving?: boolean;
}

export interface UpdateResult<T> {
  result: T;
  written: boolean;
  path: string;
}

const MAX_ATTEMPTS = 5;

export function formatFindingsBrief(findings: readonly Finding[], limit = 5): string {
  const shown = findings.slice(0, limit).map((f) => `  ${f.file}:${f.line}:${f.column}: ${f.message} (${f.ruleId})`);
  if (findings.length > limit) shown.push(`  … and ${findings.length - limit} more (run "portreg registry check")`);
  return shown.join('\n');
}

/** A registry that does not pass its checks, as the error the command stops with: `what` says what it would have done. */
function registryWithErrors(loaded: LoadedRegistry, what: (errors: string) => string): PortregError | null {
  const errors = loaded.findings.filter((f) => f.severity === 'error');
  if (loaded.data && errors.length === 0) return null;
  const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
  return new PortregError(`${what(count)}:\n${formatFindingsBrief(errors)}`, loaded.data ? ExitCode.Refused : ExitCode.Usage, 'registry-invalid', {
    findings: errors,
  });
}

/** Refuses a registry that does not pass its checks: writing to it would hide the problem. */
export function assertWritable(loaded: LoadedRegistry): Registry {
  const err = registryWithErrors(
    loaded,
    (count) => `${loaded.displayPath} has ${count}; fix ${count.startsWith('1 ') ? 'it' : 'them'} first, nothing was written`,
  );
  if (err) throw err;
  return loaded.data!;
}

/**
 * For commands that only read (who, list, scan, the MCP tools check_port and list_ports): the
 * registry's errors are errors of reading it, with their places and what to do, and no word of
 * writing, which such a command never does.
 */
export function assertReadable(loaded: LoadedRegistry): Registry {
  const err = registryWithErrors(
    loaded,
    (count) =>
      `cannot use ${loaded.displayPath}: it has ${count}; fix ${count.startsWith('1 ') ? 'it' : 'them'} in the registry (portreg registry check shows each), then run the command again`,
  );
  if (err) throw err;
  return loaded.data!;
}

export function refuseBrokenResult(after: LoadedRegistry, shown: string): void {
  const errors = after.findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  throw refusal(
    'registry-would-break',
    `the change would leave ${shown} with ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was written:\n${formatFindingsBrief(errors)}`,
    { findings: errors },
  );
}

export async function updateRegistry<T>(
  file: string,
  change: (registry: Registry, loaded: LoadedRegistry) => ChangeOutcome<T>,
  options: UpdateOptions = {},
): Promise<UpdateResult<T>> {
  const absolute = path.resolve(options.cwd ?? process.cwd(), file);
  const unlocked = lockDisabledForTest();
  const lock = unlocked ? null : await acquireLock(absolute, options.lock);
  try {
    if (lock) await removeOrphanTemps(absolute);
    for (let attempt = 1; ; attempt++) {
      const loaded = await loadRegistry(absolute, { now: options.now, cwd: options.cwd });
      const registry = options.resolving ? (loaded.data as Registry) : options.repair && loaded.data ? loaded.data : assertWritable(loaded);
      await testDelay();
      const outcome = change(registry, loaded);
      if (!outcome.registry && options.repair) assertWritable(loaded);
      const serialized = outcome.registry ? serializeRegistry(outcome.registry) : null;
      const text = serialized === loaded.text ? null : serialized;
      // Whatever the writer, the registry written passes its own checks (a repair leaves nothing to
      // repair): a name or value the schema forbids is refused here, never left for every later
      // command to trip over.
      if (text !== null) refuseBrokenResult(parseRegistryText(text, absolute, { now: options.now, cwd: options.cwd }), loaded.displayPath);
      await options.beforeWrite?.({ before: loaded.text, after: text });
      if (text === null) return { result: outcome.result, written: false, path: absolute };
      try {
        failRegistryWriteForTest();
        if (unlocked) await writeFileAtomic(absolute, text, { beforeRename: async () => crashPoint('after-temp-write') });
        else {
          await replaceIfUnchanged(absolute, text, loaded.text, {
            stillOurs: lock ? () => lock.verify() : undefined,
            what: 'the registry',
            beforeCheck: () => crashPoint('after-temp-write'),
          });
        }
      } catch (err) {
        if (err instanceof ChangedOnDisk && attempt < MAX_ATTEMPTS) continue;
        if (err instanceof ChangedOnDisk) {
          throw refusal('registry-changed', `${loaded.displayPath} kept changing while it was being updated (${err.message}); nothing was written: try again`);
        }
        throw new PortregError(`cannot write ${loaded.displayPath}: ${(err as Error).message}; nothing was written`, ExitCode.Usage, 'registry-unwritable');
      }
      crashPoint('after-rename');
      return { result: outcome.result, written: true, path: absolute };
    }
  } finally {
    await lock?.release();
  }
}
