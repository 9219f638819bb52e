/**
 * The port index of one registry: who holds each port and protocol, which reservations apply to a
 * port or a range, which services had a port before (moved away or released) and which of those
 * ports are still in quarantine. Built once per registry and asked by every consumer (allocator,
 * registry checks, rules, scanner, live tools, moves, migrate, init --import), so they all answer
 * alike. Pure: no IO; the clock is the caller's (`now`).
 *
 * What a missing protocol means, everywhere:
 * - a service or a release record without `protocol` holds tcp (the schema's default);
 * - a reservation without `protocol` covers every protocol;
 * - a port written without a protocol (an env value, a URL, `"5060:5060"`, a request without
 *   `--protocol`) is tcp, as Compose defaults it (protocolOf).
 * So `{ "port": 5060, "protocol": "udp" }` keeps 5060/udp from the projects and leaves 5060/tcp to
 * them; a project's range may hold 5060, as it may hold a port to avoid (reservedInRange).
 */
import { PROTOCOLS, protocolOf, type Protocol } from '../protocol.js';
import type { JsonPath } from './json-document.js';
import {
  DEFAULT_QUARANTINE_DAYS,
  rangesOverlap,
  reservationRange,
  serviceProtocols,
  type PortRange,
  type Registry,
  type Reservation,
  type Service,
} from './types.js';

/** The key of one port and protocol: `5060/udp`. */
export function portKey(port: number, protocol: Protocol): string {
  return `${port}/${protocol}`;
}

/** A registered service that holds a port. */
export interface PortHolder {
  project: string;
  service: string;
  entry: Service;
}

/** A service with every protocol it holds its port for. */
export interface Holding extends PortHolder {
  port: number;
  protocols: Protocol[];
}

/** A reservation that applies, with its place in `reserved` and its defaults filled in. */
export interface ApplicableReservation {
  reservation: Reservation;
  /** Its index in the registry's `reserved` list. */
  index: number;
  range: PortRange;
  severity: 'error' | 'warning';
}

/** A service that had a port before. */
export interface PreviousOwner {
  project: string;
  service: string;
  /** The service's port now (undefined when the service was released). */
  currentPort: number | undefined;
  how: 'moved' | 'released';
}

/** A port released or moved away from less than `quarantineDays` ago: handed to nobody else yet. */
export interface QuarantineHold {
  project: string;
  service: string;
  what: 'released' | 'moved away from';
  /** ISO dates (yyyy-mm-dd). */
  since: string;
  until: string;
  /** Where the earlier use is written: the history entry or the release record. */
  path: JsonPath;
}

/** One earlier use of a port: a history entry (moved away) or a release record. */
interface FormerUse extends PreviousOwner {
  port: number;
  protocols: Protocol[];
  /** The date it ended, as written. */
  since: string;
  path: JsonPath;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const NO_HOLDINGS: readonly Holding[] = Object.freeze([]);
const NO_OWNERS: readonly PortHolder[] = Object.freeze([]);
const NO_FORMER: readonly FormerUse[] = Object.freeze([]);

export class PortIndex {
  /*
   * The registered services in registry order, as columns: a lint of a few files asks about a few
   * ports of a registry of thousands of services, so the objects the answers are made of
   * (holdings, holders per protocol) are made when first asked for, and kept.
   */
  private readonly projectNames: string[] = [];
  private readonly serviceNames: string[] = [];
  private readonly entries: Service[] = [];
  private readonly ports: number[] = [];
  /** The services on each port: the position of the only one, or of each. */
  private readonly byPort = new Map<number, number | number[]>();
  private readonly made: (Holding | undefined)[] = [];
  private holdingsList: Holding[] | undefined;
  private readonly owners = new Map<number, Partial<Record<Protocol, PortHolder[]>>>();
  private readonly reservations: ApplicableReservation[] = [];
  private readonly former: FormerUse[] = [];
  private readonly formerByPort = new Map<number, FormerUse[]>();
  private quarantine: { at: number; holds: Map<string, QuarantineHold> } | undefined;

  constructor(readonly registry: Registry) {
    // Keys and plain loops: Object.entries and forEach made a pair or a closure per entry.
    const projects = registry.projects;
    for (const project of Object.keys(projects)) {
      const services = projects[project]!.services;
      if (!services) continue;
      for (const service of Object.keys(services)) {
        const entry = services[service]!;
        const at = this.entries.length;
        this.projectNames.push(project);
        this.serviceNames.push(service);
        this.entries.push(entry);
        this.ports.push(entry.port);
        const onPort = this.byPort.get(entry.port);
        if (onPort === undefined) this.byPort.set(entry.port, at);
        else if (typeof onPort === 'number') this.byPort.set(entry.port, [onPort, at]);
        else onPort.push(at);
        const history = entry.history;
        if (!history) continue;
        for (let i = 0; i < history.length; i++) {
          const h = history[i]!;
          if (h.port === entry.port) continue;
          this.addFormer({
            project,
            service,
            currentPort: entry.port,
            how: 'moved',
            port: h.port,
            protocols: this.holdingAt(at).protocols,
            since: h.until,
            path: ['projects', project, 'services', service, 'history', i],
          });
        }
      }
    }
    const released = registry.released ?? [];
    for (let i = 0; i < released.length; i++) {
      const r = released[i]!;
      this.addFormer({
        project: r.project,
        service: r.service,
        currentPort: undefined,
        how: 'released',
        port: r.port,
        protocols: serviceProtocols(r.protocol),
        since: r.releasedAt,
        path: ['released', i],
      });
    }
    (registry.reserved ?? []).forEach((reservation, index) => {
      const range = reservationRange(reservation);
      // A range that runs backwards covers no port (registry check reports it).
      if (range.from <= range.to) this.reservations.push({ reservation, index, range, severity: reservation.severity ?? 'error' });
    });
  }

  private addFormer(use: FormerUse): void {
    this.former.push(use);
    const list = this.formerByPort.get(use.port);
    if (list) list.push(use);
    else this.formerByPort.set(use.port, [use]);
  }

  /** The holding of the service at position `at`, made once. */
  private holdingAt(at: number): Holding {
    let holding = this.made[at];
    if (!holding) {
      const entry = this.entries[at]!;
      holding = { project: this.projectNames[at]!, service: this.serviceNames[at]!, entry, port: this.ports[at]!, protocols: serviceProtocols(entry.protocol) };
      this.made[at] = holding;
    }
    return holding;
  }

  /** Every service that holds the port for the protocol, in registry order: more than one only in a registry with a duplicate. */
  ownersOf(port: number, protocol: Protocol | null = null): readonly PortHolder[] {
    if (!this.byPort.has(port)) return NO_OWNERS;
    const p = protocolOf(protocol);
    let byProtocol = this.owners.get(port);
    if (!byProtocol) this.owners.set(port, (byProtocol = {}));
    let list = byProtocol[p];
    if (!list) {
      list = [];
      for (const { project, service, entry, protocols } of this.holdingsAt(port)) if (protocols.includes(p)) list.push({ project, service, entry });
      byProtocol[p] = list;
    }
    return list;
  }

  /** The service that holds the port for the protocol (a port written without one is tcp). */
  ownerOf(port: number, protocol: Protocol | null = null): PortHolder | undefined {
    return this.ownersOf(port, protocol)[0];
  }

  /** Every service on the port, whatever its protocols. */
  holdingsAt(port: number): readonly Holding[] {
    const onPort = this.byPort.get(port);
    if (onPort === undefined) return NO_HOLDINGS;
    return typeof onPort === 'number' ? [this.holdingAt(onPort)] : onPort.map((at) => this.holdingAt(at));
  }

  /** Every registered service with its port and protocols, in registry order. */
  holdings(): readonly Holding[] {
    return (this.holdingsList ??= this.entries.map((_, at) => this.holdingAt(at)));
  }

  /**
   * The reservations that apply to a use of `ports` (one port or a range) by `project` (null:
   * no project, so no owner is exempt) on any of `protocols`, in registry order. A reservation's
   * owner may use it; a reservation without a protocol covers every protocol.
   */
  reservationsFor(ports: number | PortRange, project: string | null, protocols: readonly Protocol[]): ApplicableReservation[] {
    const range = typeof ports === 'number' ? { from: ports, to: ports } : ports;
    return this.reservations.filter(
      ({ reservation: r, range: rr }) =>
        !(project !== null && r.owner === project) && (r.protocol === undefined || protocols.includes(r.protocol)) && rangesOverlap(range, rr),
    );
  }

  /**
   * The reservations a project's range may not overlap: severity error, for every protocol. One
   * for a single protocol leaves the port to the project for the others (allocated and checked
   * port by port), so it does not cost the project its range. With `project` null, no owner is
   * exempt: what keeps every project out (the map's free blocks).
   */
  reservedInRange(range: PortRange, project: string | null): ApplicableReservation[] {
    return this.reservationsFor(range, project, PROTOCOLS).filter((r) => r.severity === 'error' && r.reservation.protocol === undefined);
  }

  /** Services that had this port before (moved away or released), whenever that was. */
  previousOwnersOf(port: number): PreviousOwner[] {
    return (this.formerByPort.get(port) ?? NO_FORMER).map(({ project, service, currentPort, how }) => ({ project, service, currentPort, how }));
  }

  /** Ports in quarantine at `now`, keyed by portKey; for a port left twice, the hold that ends last. */
  quarantineHolds(now: Date): ReadonlyMap<string, QuarantineHold> {
    if (this.quarantine?.at === now.getTime()) return this.quarantine.holds;
    const days = this.registry.quarantineDays ?? DEFAULT_QUARANTINE_DAYS;
    const holds = new Map<string, QuarantineHold>();
    for (const use of this.former) {
      const sinceMs = Date.parse(use.since);
      if (Number.isNaN(sinceMs)) continue;
      const untilMs = sinceMs + days * DAY_MS;
      if (untilMs <= now.getTime()) continue;
      for (const protocol of use.protocols) {
        const key = portKey(use.port, protocol);
        const existing = holds.get(key);
        if (existing && Date.parse(existing.until) >= untilMs) continue;
        holds.set(key, {
          project: use.project,
          service: use.service,
          what: use.how === 'moved' ? 'moved away from' : 'released',
          since: use.since.slice(0, 10),
          until: new Date(untilMs).toISOString().slice(0, 10),
          path: use.path,
        });
      }
    }
    this.quarantine = { at: now.getTime(), holds };
    return holds;
  }

  /** The quarantine on a port and protocol at `now`, if any. */
  quarantineHold(port: number, protocol: Protocol, now: Date): QuarantineHold | undefined {
    return this.quarantineHolds(now).get(portKey(port, protocol));
  }

  /** The quarantine on a port for any protocol (tcp first), if any. */
  anyQuarantineHold(port: number, now: Date): QuarantineHold | undefined {
    for (const protocol of PROTOCOLS) {
      const hold = this.quarantineHold(port, protocol, now);
      if (hold) return hold;
    }
    return undefined;
  }
}

const cache = new WeakMap<Registry, PortIndex>();

/**
 * The index of a registry, built on first use and kept while the registry object lives. The
 * registry must not change afterwards: code that edits a registry in place (a copy it is
 * building) makes `new PortIndex(registry)` of the state it needs instead.
 */
export function portIndexOf(registry: Registry): PortIndex {
  let index = cache.get(registry);
  if (!index) {
    index = new PortIndex(registry);
    cache.set(registry, index);
  }
  return index;
}

/** A port another branch's registry gives to a service (registry/branch-claims.ts reads them from git). */
export interface BranchClaim {
  /** The remote-tracking branch, as git names it short (`origin/feat`). */
  branch: string;
  project: string;
  service: string;
  port: number;
  protocols: Protocol[];
}

/**
 * The claims of other branches on `port` (for any of `protocols`) by a service other than
 * (project, service): the ones that would merge into a duplicate. Pure, for the allocator and lint.
 */
export class BranchClaimIndex {
  private readonly byKey = new Map<string, BranchClaim[]>();
  constructor(claims: readonly BranchClaim[]) {
    for (const c of claims)
      for (const p of c.protocols) {
        const key = portKey(c.port, p);
        const list = this.byKey.get(key);
        if (list) list.push(c);
        else this.byKey.set(key, [c]);
      }
  }
  against(port: number, protocols: readonly Protocol[], project: string, service: string): BranchClaim[] {
    const found: BranchClaim[] = [];
    for (const p of protocols)
      for (const c of this.byKey.get(portKey(port, p)) ?? []) if (!(c.project === project && c.service === service) && !found.includes(c)) found.push(c);
    return found;
  }
}
