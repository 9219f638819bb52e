/**
 * Free ports to suggest: what the allocator would hand a new service of the project right
 * now, without writing anything. Several suggestions are distinct (each is taken before the next).
 */
import { PortregError } from '../errors.js';
import { allocatePort, unusedServiceName } from './allocator.js';
import type { Registry } from './types.js';
import type { Protocol } from '../protocol.js';

export interface SuggestOptions {
  now: Date;
  /** Ports something listens on right now (`port/protocol`): never suggested. */
  livePorts?: ReadonlySet<string>;
  protocol?: Protocol;
}

/** Up to `count` free ports of the project's range, lowest first; fewer when the range is full. */
export function suggestFreePorts(registry: Registry, project: string, count: number, options: SuggestOptions): number[] {
  const out: number[] = [];
  let current = registry;
  for (let i = 0; i < count; i++) {
    try {
      const r = allocatePort(
        current,
        // A name no service of the project has: a request that is never written.
        {
          project,
          service: unusedServiceName(current, project, 'portreg-suggestion'),
          purpose: 'suggestion',
          ...(options.protocol ? { protocol: options.protocol } : {}),
        },
        { now: options.now, livePorts: options.livePorts },
      );
      out.push(r.port);
      current = r.registry;
    } catch (err) {
      if (err instanceof PortregError && (err.code === 'range-full' || err.code === 'slot-width-full')) break;
      throw err;
    }
  }
  return out;
}

/** One free port of the project's range, or null when it is full. */
export function suggestFreePort(registry: Registry, project: string, options: SuggestOptions): number | null {
  return suggestFreePorts(registry, project, 1, options)[0] ?? null;
}
