/**
 * The registry operations as the CLI and the MCP server run them: the pure allocator inside
 * the store's locked, compare-and-set read-modify-write, and checked reads. One place, so
 * both front ends take the same lock and make the same checks.
 */
import { allocatePort, releaseService, type AllocationRequest, type AllocationResult } from './allocator.js';
import { refusal } from '../errors.js';
import type { LockOptions } from './lock.js';
import { loadRegistry } from './load.js';
import { assertWritable, updateRegistry } from './store.js';
import type { Registry } from './types.js';

export interface OperationOptions {
  now: Date;
  cwd?: string;
  lock?: LockOptions;
}

/** Reads and checks the registry; one with errors is refused with them named (as before a write). */
export async function readRegistry(file: string, options: { now: Date; cwd?: string }): Promise<Registry> {
  return assertWritable(await loadRegistry(file, { now: options.now, cwd: options.cwd }));
}

export type Allocation = Omit<AllocationResult, 'registry'>;

/**
 * Allocates under the lock, on the registry as it is on disk right now. An idempotent repeat
 * (the service already has its port) writes nothing.
 */
export async function allocateAndWrite(
  file: string,
  request: AllocationRequest,
  options: OperationOptions & { livePorts?: ReadonlySet<string>; expectPort?: number },
): Promise<Allocation> {
  const { result } = await updateRegistry(
    file,
    (registry) => {
      const r = allocatePort(registry, request, { now: options.now, livePorts: options.livePorts });
      // Files were already written for this port (allocate --update): another one is a refusal, not a surprise.
      if (options.expectPort !== undefined && r.port !== options.expectPort) {
        throw refusal(
          'registry-changed',
          `the registry changed meanwhile: service "${request.service}" of project "${request.project}" would now get port ${r.port}, not ${options.expectPort}; run the command again`,
        );
      }
      const { registry: next, ...rest } = r;
      return { registry: r.created ? next : undefined, result: rest };
    },
    { now: options.now, cwd: options.cwd, lock: options.lock },
  );
  return result;
}

export interface Release {
  project: string;
  service: string;
  port: number;
}

/** Removes a service under the lock; its port stays in quarantine. */
export async function releaseAndWrite(file: string, project: string, service: string, options: OperationOptions): Promise<Release> {
  const { result } = await updateRegistry(
    file,
    (registry) => {
      const r = releaseService(registry, project, service, { now: options.now });
      return { registry: r.registry, result: { project, service, port: r.port } };
    },
    { now: options.now, cwd: options.cwd, lock: options.lock },
  );
  return result;
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
