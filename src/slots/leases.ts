/**
 * Leasing slots to checkouts: acquire (sticky: a checkout always gets its slot back), release,
 * list and collect. What a slot's ports are is registry/slots.ts's answer; where leases live and
 * how they are written is state.ts's. One rule throughout: a slot whose ports something listens
 * on is never handed to another checkout, so a server of a deleted worktree that still runs is
 * never joined by its replacement's.
 */
import { existsSync } from 'node:fs';
import { refusal } from '../errors.js';
import type { LockOptions } from '../registry/lock.js';
import { slotCount, slotPorts } from '../registry/slots.js';
import { worktreesOf } from '../util/git.js';
import { currentHolder, readLeases, sameCheckout, updateLeases, type Lease, type LeasedPort } from './state.js';
import type { SlotTarget } from './target.js';

export interface LeaseOptions {
  env: NodeJS.ProcessEnv;
  /** Ports something listens on right now (`port/protocol`, live/probe.ts). */
  live: ReadonlySet<string>;
  now: Date;
  lock?: LockOptions;
}

/** The ports of a slot that something listens on (a shared service's port says nothing about the slot). */
export function listeningPorts(ports: readonly LeasedPort[], live: ReadonlySet<string>): LeasedPort[] {
  return ports.filter((p) => !p.shared && p.protocols.some((protocol) => live.has(`${p.port}/${protocol}`)));
}

function leasedPorts(target: SlotTarget, slot: number): LeasedPort[] {
  return slotPorts(target.registry, target.project, slot).map((p) => ({
    service: p.service,
    port: p.port,
    protocols: p.protocols,
    env: p.env,
    shared: p.shared,
  }));
}

export interface Acquired {
  lease: Lease;
  /** false: the checkout had the slot already (its ports are brought up to date with the registry). */
  created: boolean;
  /** Free slots passed over because something listens on their ports. */
  skippedListening: { slot: number; ports: number[] }[];
}

/**
 * The checkout's slot: the one it holds, else the lowest free one. The main checkout starts at
 * slot 0 (the registered ports, what it has always used); a linked worktree at slot 1.
 */
export async function acquireSlot(target: SlotTarget, options: LeaseOptions): Promise<Acquired> {
  const project = target.registry.projects[target.project]!;
  const count = slotCount(project);
  const key = { repository: target.checkout.repository, worktree: target.checkout.worktree, project: target.project };
  const at = options.now.toISOString();
  return updateLeases<Acquired>(
    options.env,
    (leases) => {
      const mine = leases.find((l) => sameCheckout(l, key));
      if (mine && mine.slot < count) {
        Object.assign(mine, { registry: target.registryPath, ports: leasedPorts(target, mine.slot), renewed: at, holder: currentHolder() });
        return { leases, result: { lease: mine, created: false, skippedListening: [] } };
      }
      const others = leases.filter((l) => !sameCheckout(l, key));
      const taken = new Set(others.filter((l) => l.project === target.project).map((l) => l.slot));
      const skippedListening: Acquired['skippedListening'] = [];
      for (let slot = target.checkout.main ? 0 : 1; slot < count; slot++) {
        if (taken.has(slot)) continue;
        const ports = leasedPorts(target, slot);
        const busy = listeningPorts(ports, options.live);
        if (busy.length) {
          skippedListening.push({ slot, ports: busy.map((p) => p.port) });
          continue;
        }
        const lease: Lease = { ...key, slot, registry: target.registryPath, ports, since: at, renewed: at, holder: currentHolder() };
        return { leases: [...others, lease], result: { lease, created: true, skippedListening } };
      }
      const held = others.filter((l) => l.project === target.project);
      if (count <= 1 && !target.checkout.main) {
        throw refusal(
          'slots-full',
          `project "${target.project}" has ${count === 1 ? "one slot, slot 0, which is the main checkout's" : 'no slot at all'}: its range ${project.range.from}-${project.range.to} holds ${count} of width ${project.slots!.width}; narrow the slots or widen the range (portreg project move) so that linked worktrees get one`,
        );
      }
      throw refusal(
        'slots-full',
        `every slot of project "${target.project}" (${count}) is leased${skippedListening.length ? ' or has a port in use' : ''}: ${held
          .sort((a, b) => a.slot - b.slot)
          .map((l) => `slot ${l.slot} by ${l.worktree}`)
          .join(', ')}; "portreg slot gc" frees the slots of removed worktrees, "portreg slot release --worktree PATH" frees one`,
        { leases: held },
      );
    },
    { lock: options.lock },
  );
}

export interface Released {
  lease: Lease | null;
  released: boolean;
}

/** Gives the checkout's slot back; refused while its ports listen, unless forced. */
export async function releaseSlot(key: Pick<Lease, 'repository' | 'worktree' | 'project'>, options: LeaseOptions & { force?: boolean }): Promise<Released> {
  return updateLeases<Released>(
    options.env,
    (leases) => {
      const mine = leases.find((l) => sameCheckout(l, key));
      if (!mine) return { result: { lease: null, released: false } };
      const busy = listeningPorts(mine.ports, options.live);
      if (busy.length && !options.force) {
        throw refusal(
          'slot-in-use',
          `slot ${mine.slot} of project "${mine.project}" is in use: something listens on ${busy.map((p) => `${p.port} (${p.service})`).join(', ')}; stop it first, or release anyway with --force`,
        );
      }
      return { leases: leases.filter((l) => l !== mine), result: { lease: mine, released: true } };
    },
    { lock: options.lock },
  );
}

export interface LeaseView {
  project: string;
  slot: number;
  worktree: string;
  repository: string;
  /** The worktree's folder still exists. */
  present: boolean;
  since: string;
  renewed: string;
  holder: Lease['holder'];
  ports: { service: string; port: number; env: string | null; shared: boolean; url: string; listening: boolean }[];
}

/** Every lease on the machine, with its ports, their URLs and whether they listen. */
export async function listSlots(options: Pick<LeaseOptions, 'env' | 'live'>): Promise<{ file: string; leases: LeaseView[] }> {
  const { file, leases } = await readLeases(options.env);
  return { file, leases: leases.map((l) => viewOf(l, options.live)) };
}

export function viewOf(l: Lease, live: ReadonlySet<string>): LeaseView {
  return {
    project: l.project,
    slot: l.slot,
    worktree: l.worktree,
    repository: l.repository,
    present: existsSync(l.worktree),
    since: l.since,
    renewed: l.renewed,
    holder: l.holder,
    ports: l.ports.map((p) => ({
      service: p.service,
      port: p.port,
      env: p.env,
      shared: p.shared,
      url: `http://localhost:${p.port}`,
      listening: p.protocols.some((protocol) => live.has(`${p.port}/${protocol}`)),
    })),
  };
}

export interface Collected {
  released: Lease[];
  kept: { lease: Lease; reason: string }[];
}

/**
 * Releases the leases whose worktree git no longer lists (`git worktree list --porcelain`; a
 * folder deleted by hand counts as gone) or whose repository is gone, unless something listens
 * on their ports: a server left running keeps its slot until it stops.
 */
export async function collectSlots(options: LeaseOptions): Promise<Collected> {
  // Asked of git before the lock: git is slow next to the lease file, and its answer only shrinks.
  const { leases: before } = await readLeases(options.env);
  const worktrees = new Map<string, { path: string; exists: boolean }[] | null>();
  for (const repository of new Set(before.map((l) => l.repository))) worktrees.set(repository, await worktreesOf(repository));
  const gone = (l: Lease): string | null => {
    if (!worktrees.has(l.repository)) return null; // a lease taken after git was asked
    const listed = worktrees.get(l.repository);
    if (listed === null) return existsSync(l.repository) ? null : 'its repository is gone';
    const entry = listed!.find((w) => w.path === l.worktree);
    if (!entry) return 'git no longer lists its worktree';
    return entry.exists && existsSync(l.worktree) ? null : 'its worktree folder is gone';
  };
  return updateLeases(
    options.env,
    (leases) => {
      const released: Lease[] = [];
      const kept: Collected['kept'] = [];
      for (const l of leases) {
        const why = gone(l);
        if (!why) continue;
        const busy = listeningPorts(l.ports, options.live);
        if (busy.length) kept.push({ lease: l, reason: `${why}, but something listens on ${busy.map((p) => `${p.port} (${p.service})`).join(', ')}` });
        else released.push(l);
      }
      return { leases: released.length ? leases.filter((l) => !released.includes(l)) : undefined, result: { released, kept } };
    },
    { lock: options.lock },
  );
}
