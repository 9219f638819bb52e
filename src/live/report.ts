/**
 * What listens on this machine, joined with the registry: who owns each listener's port,
 * which registered services are not listening, which listeners sit on reserved ports.
 * Pure: the listeners come from listListeners(), the registry from the caller.
 */
import { portIndexOf, portKey, type PortIndex } from '../registry/port-index.js';
import { slotOfPort } from '../registry/slots.js';
import { formatRange, inRange, type Registry } from '../registry/types.js';
import type { Listener } from './listeners.js';

export interface LiveOwner {
  project: string;
  service: string;
  purpose: string;
}

export interface LiveReservation {
  reason: string;
  range: { from: number; to: number };
  severity: 'error' | 'warning';
  owner: string | null;
}

export interface LiveListener {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  address: string;
  port: number;
  /** Null where the process cannot be seen (another user's, without root). */
  pid: number | null;
  command: string | null;
  /** The container that publishes the port (`docker ps`), or null. */
  container: string | null;
  /** The registered service on this port and protocol; null: unregistered. */
  owner: LiveOwner | null;
  reservations: LiveReservation[];
  /** The project whose range holds the port. */
  rangeOf: string | null;
  /** A port of a slot (a parallel checkout) of a project with slots, and the checkout that leases it (slotHolding); absent otherwise. */
  slot?: LiveSlot;
}

export interface LiveSlot {
  project: string;
  service: string;
  slot: number;
  /** The checkout that holds the slot on this machine, or null when none leases it. */
  worktree: string | null;
}

/** Who holds which slot on this machine (slots/state.ts's leases, as plain data). */
export interface SlotHolder {
  project: string;
  slot: number;
  worktree: string;
}

export interface NotListening {
  project: string;
  service: string;
  port: number;
  protocol: 'tcp' | 'udp';
  purpose: string;
}

export interface LiveReport {
  listeners: LiveListener[];
  /** Registered services (tcp and udp; sctp cannot be seen) with nothing listening on their port. */
  notListening: NotListening[];
  /** Listeners on reserved ports or ranges (also in `listeners`). */
  onReserved: LiveListener[];
}

/** Joins listeners with the registry. */
export function liveReport(registry: Registry, listeners: readonly Listener[], holders: readonly SlotHolder[] = []): LiveReport {
  const index = portIndexOf(registry);
  const joined = listeners.map((l) => joinListener(registry, index, l, holders));
  const live = new Set(listeners.map((l) => portKey(l.port, l.protocol)));
  const notListening: NotListening[] = [];
  for (const { project, service, port, protocols, entry } of index.holdings()) {
    for (const protocol of protocols) {
      if (protocol === 'sctp' || live.has(portKey(port, protocol))) continue;
      notListening.push({ project, service, port, protocol, purpose: entry.purpose });
    }
  }
  notListening.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  return { listeners: joined, notListening, onReserved: joined.filter((l) => l.reservations.length > 0) };
}

function joinListener(registry: Registry, index: PortIndex, l: Listener, holders: readonly SlotHolder[]): LiveListener {
  // A listener is no project's: every reservation on its port and protocol applies, owners' too.
  const reservations = index
    .reservationsFor(l.port, null, [l.protocol])
    .map(({ reservation: r, range, severity }) => ({ reason: r.reason, range, severity, owner: r.owner ?? null }));
  const owner = index.ownerOf(l.port, l.protocol);
  const rangeOf = Object.entries(registry.projects).find(([, p]) => inRange(l.port, p.range))?.[0] ?? null;
  const slot = slotHolding(registry, index, l.port, l.protocol, holders) ?? undefined;
  return {
    protocol: l.protocol,
    family: l.family,
    address: l.address,
    port: l.port,
    pid: l.pid,
    command: l.command,
    container: l.container ?? null,
    owner: owner ? { project: owner.project, service: owner.service, purpose: owner.entry.purpose } : null,
    reservations,
    rangeOf,
    ...(slot ? { slot } : {}),
  };
}

/**
 * Which slot of a project with slots a port is, and the checkout that leases it: the one answer
 * `ps` and `doctor` give. A port no service is registered on may be a service's port in slot k
 * (registry/slots.ts slotOfPort), named whether or not a checkout leases it; a registered port is
 * slot 0's, named only when a checkout leases slot 0 (otherwise the registry's owner says it all).
 * A shared service's port is every slot's, so it names none.
 */
export function slotHolding(registry: Registry, index: PortIndex, port: number, protocol: 'tcp' | 'udp', holders: readonly SlotHolder[]): LiveSlot | null {
  const leasedBy = (project: string, slot: number) => holders.find((h) => h.project === project && h.slot === slot)?.worktree ?? null;
  const owner = index.ownerOf(port, protocol);
  if (owner) {
    if (!registry.projects[owner.project]?.slots || owner.entry.shared) return null;
    const worktree = leasedBy(owner.project, 0);
    return worktree ? { project: owner.project, service: owner.service, slot: 0, worktree } : null;
  }
  const inSlot = slotOfPort(registry, port);
  return inSlot ? { ...inSlot, worktree: leasedBy(inSlot.project, inSlot.slot) } : null;
}

/** `billing/api in slot 2 (/src/billing-feature)`, or `(no checkout leases it)`. */
export function describeSlot(slot: LiveSlot): string {
  return `${slot.project}/${slot.service} in slot ${slot.slot} (${slot.worktree ?? 'no checkout leases it'})`;
}

/** `127.0.0.1:5001`, `[::1]:5001`. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** `pid 4242 (node)`, `container billing-api-1`, or a note that the process cannot be seen. */
export function formatProcess(l: { pid: number | null; command: string | null; container?: string | null }): string {
  if (l.container) return l.pid === null ? `container ${l.container}` : `container ${l.container}, pid ${l.pid}${l.command ? ` (${l.command})` : ''}`;
  if (l.pid === null) return "a process this user cannot see (another user's, or outside this process namespace)";
  return `pid ${l.pid}${l.command ? ` (${l.command})` : ''}`;
}

/** One line for a listener: `tcp 127.0.0.1:5001 pid 4242 (node)`. */
export function describeListener(l: {
  protocol: string;
  address: string;
  port: number;
  pid: number | null;
  command: string | null;
  container?: string | null;
}): string {
  return `${l.protocol} ${formatEndpoint(l.address, l.port)} ${formatProcess(l)}`;
}

/** The owner column of `portreg ps`. */
export function describeOwner(l: LiveListener): string {
  if (l.slot) return describeSlot(l.slot);
  if (l.owner) return `${l.owner.project}/${l.owner.service}`;
  const reserved = l.reservations[0];
  if (reserved) return `unregistered (${reserved.severity === 'error' ? 'reserved' : 'to avoid'}: ${reserved.reason}, ${formatRange(reserved.range)})`;
  return l.rangeOf ? `unregistered (range of ${l.rangeOf})` : 'unregistered';
}
