/**
 * The registry operations as the CLI and the MCP server run them: the pure allocator and moves
 * inside the store's locked, compare-and-set read-modify-write, and checked reads. One place, so
 * both front ends take the same lock and make the same checks.
 *
 * A change that files were already planned (or written) for is a RegistryChange: under the lock
 * it is planned again on the registry as it is then, and refused when that plan differs from the
 * one the files were written for (fix/commit.ts runs it after the files, and restores them).
 */
import {
  addProject,
  allocatePort,
  releaseService,
  type AddProjectRequest,
  type AddProjectResult,
  type AllocationRequest,
  type AllocationResult,
} from './allocator.js';
import { refusal } from '../errors.js';
import type { LoadedRegistry } from './load.js';
import type { LockOptions } from './lock.js';
import type { BranchClaim } from './port-index.js';
import { loadRegistry } from './load.js';
import {
  diffRegistries,
  migrateRegistry,
  moveProject,
  reassignService,
  type MigrationChange,
  type MigrationRegistryResult,
  type MoveProjectResult,
  type PortMove,
  type ReassignResult,
} from './moves.js';
import { assertReadable, updateRegistry, type ChangeOutcome, type UpdateOptions } from './store.js';
import type { PortRange, Registry } from './types.js';

export interface OperationOptions {
  now: Date;
  cwd?: string;
  lock?: LockOptions;
}

/** Reads and checks the registry for a command that only reads; one with errors is refused with them named, as errors of reading. */
export async function readRegistry(file: string, options: { now: Date; cwd?: string }): Promise<Registry> {
  return assertReadable(await loadRegistry(file, { now: options.now, cwd: options.cwd }));
}

/** Planning a change again under the lock: the change to write, or what differs from the plan the files were written for. */
export type Replanned<T> = ChangeOutcome<T> | { differs: string };

/** A registry change planned before the lock was taken, and planned again under it. */
export interface RegistryChange<T> {
  /** The registry file. */
  file: string;
  options: UpdateOptions;
  /** The plan on the registry as it is under the lock. */
  replan(fresh: Registry, loaded: LoadedRegistry): Replanned<T>;
}

/** Writes the change under the lock; refused (registry-changed, nothing written) when the plan came out different. */
export async function writeRegistryChange<T>(change: RegistryChange<T>, beforeWrite?: UpdateOptions['beforeWrite']): Promise<T> {
  const { result } = await updateRegistry(
    change.file,
    (fresh, loaded) => {
      const again = change.replan(fresh, loaded);
      if ('differs' in again) throw refusal('registry-changed', `${again.differs}; run the command again`);
      return again;
    },
    beforeWrite ? { ...change.options, beforeWrite } : change.options,
  );
  return result;
}

function storeOptionsOf(options: OperationOptions): UpdateOptions {
  return { now: options.now, cwd: options.cwd, lock: options.lock };
}

export type Allocation = Omit<AllocationResult, 'registry'>;

/**
 * An allocation; with `expectPort` (allocate --update: files were planned for that port), another
 * port under the lock is a refusal, not a surprise.
 */
export function allocationChange(
  file: string,
  request: AllocationRequest,
  options: OperationOptions & { livePorts?: ReadonlySet<string>; claims?: readonly BranchClaim[]; expectPort?: number },
): RegistryChange<Allocation> {
  return {
    file,
    options: storeOptionsOf(options),
    replan: (fresh) => {
      const r = allocatePort(fresh, request, { now: options.now, livePorts: options.livePorts, claims: options.claims });
      if (options.expectPort !== undefined && r.port !== options.expectPort) {
        return {
          differs: `the registry changed meanwhile: service "${request.service}" of project "${request.project}" would now get port ${r.port}, not ${options.expectPort}`,
        };
      }
      const { registry: next, ...rest } = r;
      return { registry: r.created ? next : undefined, result: rest };
    },
  };
}

/**
 * Allocates under the lock, on the registry as it is on disk right now. An idempotent repeat
 * (the service already has its port) writes nothing.
 */
export async function allocateAndWrite(
  file: string,
  request: AllocationRequest,
  options: OperationOptions & { livePorts?: ReadonlySet<string>; claims?: readonly BranchClaim[]; expectPort?: number },
): Promise<Allocation> {
  return writeRegistryChange(allocationChange(file, request, options));
}

/** `reassign`: the service moves from `from` to `to`; refused when it no longer has `from`. */
export function reassignmentChange(file: string, move: PortMove & { reason?: string }, options: OperationOptions): RegistryChange<ReassignResult> {
  return {
    file,
    options: storeOptionsOf(options),
    replan: (fresh) => {
      // The port the plan chose, checked again (in range, free, not reserved, not in quarantine).
      const again = reassignService(fresh, { project: move.project, service: move.service, port: move.to, reason: move.reason }, { now: options.now });
      if (again.from !== move.from)
        return { differs: `service "${move.service}" of project "${move.project}" moved from ${move.from} to ${again.from} meanwhile` };
      return { registry: again.changed ? again.registry : undefined, result: again };
    },
  };
}

/** `project move`: refused when the services would not make the same moves now. */
export function projectMoveChange(
  file: string,
  move: { project: string; range: PortRange; ports: Record<string, number>; moves: readonly PortMove[] },
  options: OperationOptions,
): RegistryChange<MoveProjectResult> {
  return {
    file,
    options: storeOptionsOf(options),
    replan: (fresh) => {
      const again = moveProject(fresh, move.project, move.range, { now: options.now }, move.ports);
      if (JSON.stringify(again.moves) !== JSON.stringify(move.moves)) return { differs: `the services of project "${move.project}" changed meanwhile` };
      return { registry: again.changed ? again.registry : undefined, result: again };
    },
  };
}

/**
 * `migrate`: the history and release records (and the ports of a range moved by hand) that the
 * diff from `previous` calls for; refused when the diff is no longer the one planned. `repair`: the
 * registry may fail its checks before (store.ts UpdateOptions).
 */
export function migrationChange(
  file: string,
  migration: { previous: Registry; changes: readonly MigrationChange[]; repair: boolean },
  options: OperationOptions,
): RegistryChange<MigrationRegistryResult> {
  return {
    file,
    options: { ...storeOptionsOf(options), repair: migration.repair },
    replan: (fresh, loaded) => {
      const again = diffRegistries(migration.previous, fresh);
      if (JSON.stringify(again.changes) !== JSON.stringify(migration.changes)) return { differs: `${loaded.displayPath} changed meanwhile` };
      const step = migrateRegistry(fresh, again, { now: options.now });
      return { registry: step.registry, result: step };
    },
  };
}

/**
 * `registry resolve`: the registry a merge of the two sides gave, written over the file as it was
 * read when the merge was planned (conflict markers and all); refused when the file changed since.
 */
export function resolutionChange(file: string, merge: { readText: string; merged: Registry }, options: OperationOptions): RegistryChange<Registry> {
  return {
    file,
    options: { ...storeOptionsOf(options), resolving: true },
    replan: (_fresh, loaded) => {
      if (loaded.text !== merge.readText) return { differs: `${loaded.displayPath} changed since the merge was planned` };
      return { registry: merge.merged, result: merge.merged };
    },
  };
}

export interface Release {
  project: string;
  service: string;
  port: number;
  /** False when the service was released already: nothing was written. */
  released: boolean;
}

/** Removes a service; its port stays in quarantine. A service released already is a no-op. */
export function releaseChange(file: string, project: string, service: string, options: OperationOptions): RegistryChange<Release> {
  return {
    file,
    options: storeOptionsOf(options),
    replan: (fresh) => {
      const r = releaseService(fresh, project, service, { now: options.now });
      return { registry: r.released ? r.registry : undefined, result: { project, service, port: r.port, released: r.released } };
    },
  };
}

/** Removes a service under the lock; its port stays in quarantine. */
export async function releaseAndWrite(file: string, project: string, service: string, options: OperationOptions): Promise<Release> {
  return writeRegistryChange(releaseChange(file, project, service, options));
}

/** `project add`: the next free block (or the range asked for); a repeat with the same settings is a no-op. */
export function projectAddChange(file: string, request: AddProjectRequest, options: OperationOptions): RegistryChange<Omit<AddProjectResult, 'registry'>> {
  return {
    file,
    options: storeOptionsOf(options),
    replan: (fresh) => {
      const { registry: next, ...rest } = addProject(fresh, request, { now: options.now });
      return { registry: rest.created ? next : undefined, result: rest };
    },
  };
}

/** What an allocation answers, as `allocate --json` prints it and the MCP tool returns it. */
export function allocationSummary(a: Allocation) {
  return {
    port: a.port,
    project: a.project,
    service: a.service,
    range: a.range,
    created: a.created,
    url: `http://localhost:${a.port}`,
    skippedLive: a.skippedLive,
    warnings: a.warnings,
  };
}
