/**
 * Registry changes that move ports which are already in use: reassign one service, move a
 * project to a new range, and the registry side of a migration (the diff between an older
 * registry and this one). Pure functions, like the allocator: no IO, no clock of their own.
 *
 * Every new port goes through the allocator's own checks (allocatePort with an explicit port:
 * in the project's range, not taken, not reserved, not in someone else's quarantine), run on a
 * copy of the registry in which the moving service is not registered and a stand-in holds the
 * port it leaves, so "the next free port" is never the port it is leaving. The port left behind
 * goes into the service's `history` with `until` = now, which puts it in quarantine.
 */
import { refusal } from '../errors.js';
import { PROTOCOLS } from '../protocol.js';
import { addProject, allocatePort, requireProject } from './allocator.js';
import { PortIndex } from './port-index.js';
import { assertName } from './names.js';
import { cloneRegistry, formatRange, inRange, serviceProtocols, type PortRange, type Registry, type Service } from './types.js';

/** One service's port moving from `from` to `to`: what the rewrite of the configs works from. */
export interface PortMove {
  project: string;
  service: string;
  from: number;
  to: number;
}

export interface ReassignRequest {
  project: string;
  service: string;
  /** The new port; absent: the allocator's next free port of the range (never the current one). */
  port?: number;
  /** Written into the history entry of the port left behind. */
  reason?: string;
}

export interface ReassignContext {
  now: Date;
  livePorts?: ReadonlySet<string>;
}

export interface ReassignResult {
  /** The new registry; the input itself when nothing changes. */
  registry: Registry;
  project: string;
  service: string;
  from: number;
  to: number;
  /** False when the service already has the port asked for. */
  changed: boolean;
  warnings: string[];
  skippedLive: number[];
}

/** A name no registry service can have (names are checked by the schema): the stand-in for the port being left. */
const STAND_IN = '\u0000leaving';

function requireService(registry: Registry, project: string, service: string): Service {
  assertName('service', service);
  const p = requireProject(registry, project);
  const s = p.services && Object.hasOwn(p.services, service) ? p.services[service] : undefined;
  if (!s) {
    const names = Object.keys(p.services ?? {});
    throw refusal(
      'service-unknown',
      `project "${project}" has no service "${service}" (${names.length ? `its services: ${names.join(', ')}` : 'it has no services'})`,
      { project, service },
    );
  }
  return s;
}

export function reassignService(input: Registry, request: ReassignRequest, context: ReassignContext): ReassignResult {
  const current = requireService(input, request.project, request.service);
  const base = { project: request.project, service: request.service, from: current.port };
  if (request.port !== undefined && request.port === current.port) {
    return { ...base, registry: input, to: current.port, changed: false, warnings: [], skippedLive: [] };
  }

  // The allocator's checks, on a copy where the service is gone and a stand-in holds its port.
  const probe = cloneRegistry(input);
  const services = probe.projects[request.project]!.services!;
  delete services[request.service];
  services[STAND_IN] = { port: current.port, purpose: 'the port being left', ...(current.protocol ? { protocol: current.protocol } : {}) };
  const allocated = allocatePort(
    probe,
    {
      project: request.project,
      service: request.service,
      purpose: current.purpose,
      port: request.port,
      env: current.env,
      protocol: current.protocol,
      containerPort: current.containerPort,
      composeService: current.composeService,
    },
    { now: context.now, livePorts: context.livePorts },
  );

  const registry = cloneRegistry(input);
  const history = [...(current.history ?? []), { port: current.port, until: context.now.toISOString(), ...(request.reason ? { reason: request.reason } : {}) }];
  registry.projects[request.project]!.services![request.service] = { ...current, port: allocated.port, history };
  // Back on a port it had released: that release record is done (as allocatePort does).
  if (registry.released) {
    registry.released = registry.released.filter((r) => !(r.project === request.project && r.service === request.service && r.port === allocated.port));
    if (registry.released.length === 0) delete registry.released;
  }
  return { ...base, registry, to: allocated.port, changed: true, warnings: allocated.warnings, skippedLive: allocated.skippedLive };
}

export interface MoveProjectResult {
  registry: Registry;
  project: string;
  from: PortRange;
  to: PortRange;
  moves: PortMove[];
  changed: boolean;
  warnings: string[];
}

/**
 * Gives a project a new range; every service keeps its offset inside the range
 * (5032 in 5000-5099 is 5332 in 5300-5399) unless `ports` names its new port. The range passes
 * the checks of `project add` (no overlap with another project or a reserved range); every port
 * those of `allocate --port`.
 */
export function moveProject(input: Registry, name: string, range: PortRange, context: ReassignContext, ports: Record<string, number> = {}): MoveProjectResult {
  const project = requireProject(input, name);
  const old = project.range;
  const same = old.from === range.from && old.to === range.to;
  if (same) return { registry: input, project: name, from: old, to: range, moves: [], changed: false, warnings: [] };

  // The range itself: what `project add --range` checks, with this project out of the way.
  const without = cloneRegistry(input);
  delete without.projects[name];
  const added = addProject(without, { name, range });
  const warnings = [...added.warnings];

  const entries = Object.entries(project.services ?? {});
  for (const [service, port] of Object.entries(ports)) {
    if (!project.services?.[service])
      throw refusal('unknown-service', `project "${name}" has no service "${service}" (it has ${entries.map(([n]) => n).join(', ') || 'none'})`);
    if (!inRange(port, range)) throw refusal('port-out-of-range', `port ${port} for service "${service}" lies outside the new range ${formatRange(range)}`);
  }
  const plan: PortMove[] = [];
  for (const [service, s] of entries) {
    const told = ports[service];
    if (told !== undefined) {
      plan.push({ project: name, service, from: s.port, to: told });
      continue;
    }
    if (!inRange(s.port, old)) {
      throw refusal(
        'port-out-of-range',
        `service "${service}" of project "${name}" has port ${s.port}, outside the project's range ${formatRange(old)}, so it has no offset to keep: name its new port with --port ${service}=PORT, or reassign it into the range first`,
      );
    }
    const to = range.from + (s.port - old.from);
    if (!inRange(to, range)) {
      throw refusal(
        'range-too-small',
        `range ${formatRange(range)} is too small for project "${name}": service "${service}" is at offset ${s.port - old.from} (port ${s.port}), which would be ${to}; name its new port with --port ${service}=PORT`,
      );
    }
    plan.push({ project: name, service, from: s.port, to });
  }
  for (const m of plan) {
    const sibling = plan.find((o) => o.service !== m.service && o.from === m.to && o.from !== o.to);
    if (sibling) {
      throw refusal(
        'range-overlaps-itself',
        `service "${m.service}" would move to ${m.to}, the port service "${sibling.service}" leaves, which stays in quarantine; choose a range that does not overlap ${formatRange(old)}`,
      );
    }
  }

  let registry = cloneRegistry(input);
  registry.projects[name]!.range = { from: range.from, to: range.to };
  const reason = `project moved from ${formatRange(old)} to ${formatRange(range)}`;
  for (const m of plan) {
    if (m.from === m.to) continue;
    const r = reassignService(registry, { project: name, service: m.service, port: m.to, reason }, context);
    registry = r.registry;
    warnings.push(...r.warnings);
  }
  return { registry, project: name, from: old, to: range, moves: plan.filter((m) => m.from !== m.to), changed: true, warnings };
}

// ---- migration: the diff of two registries -------------------------------------------------

export interface MigrationChange extends PortMove {
  /**
   * port: the new registry gives the service another port;
   * offset: the project's range moved and the new registry still has the old port, outside the
   * new range: the service keeps its offset in the new range (`to`).
   */
  how: 'port' | 'offset';
}

export interface RegistryDiff {
  changes: MigrationChange[];
  rangeMoves: { project: string; from: PortRange; to: PortRange }[];
  removed: { project: string; service: string; port: number }[];
}

/** What changed from `old` to `current`: services whose port changed, projects whose range moved, removed services. */
export function diffRegistries(old: Registry, current: Registry): RegistryDiff {
  const diff: RegistryDiff = { changes: [], rangeMoves: [], removed: [] };
  for (const [name, op] of Object.entries(old.projects)) {
    const np = current.projects[name];
    const oldServices = Object.entries(op.services ?? {});
    if (!np) {
      for (const [service, s] of oldServices) diff.removed.push({ project: name, service, port: s.port });
      continue;
    }
    const rangeMoved = op.range.from !== np.range.from || op.range.to !== np.range.to;
    if (rangeMoved) diff.rangeMoves.push({ project: name, from: op.range, to: np.range });
    for (const [service, s] of oldServices) {
      const ns = np.services?.[service];
      if (!ns) {
        diff.removed.push({ project: name, service, port: s.port });
        continue;
      }
      if (ns.port !== s.port) {
        diff.changes.push({ project: name, service, from: s.port, to: ns.port, how: 'port' });
      } else if (rangeMoved && !inRange(s.port, np.range) && inRange(s.port, op.range)) {
        const to = np.range.from + (s.port - op.range.from);
        if (!inRange(to, np.range)) {
          throw refusal(
            'range-too-small',
            `project "${name}" moved from ${formatRange(op.range)} to ${formatRange(np.range)}, but service "${service}" (port ${s.port}, offset ${s.port - op.range.from}) does not fit in the new range at its offset: give it a port in the new registry`,
          );
        }
        diff.changes.push({ project: name, service, from: s.port, to, how: 'offset' });
      }
    }
  }
  return diff;
}

export interface MigrationRegistryResult {
  /** The registry to write, or undefined when it needs nothing. */
  registry?: Registry;
  /** What was added or changed, one line each, for the report. */
  notes: string[];
}

/**
 * The registry side of a migration, idempotent: a service of a project whose range moved without
 * it (`offset`) gets the port at its offset in the new range; ports left behind get a history
 * entry, and removed services a release record, unless the registry already has one or someone
 * now holds the port; so the old ports stay in quarantine.
 */
export function migrateRegistry(input: Registry, diff: RegistryDiff, context: ReassignContext): MigrationRegistryResult {
  const registry = cloneRegistry(input);
  const notes: string[] = [];
  const now = context.now.toISOString();
  // Who holds which port: indexed once the offset moves are in (nothing below changes a port).
  // Not the cached index: this copy is still being edited.
  let index: PortIndex | undefined;
  const holders = () => (index ??= new PortIndex(registry));

  for (const c of diff.changes.filter((x) => x.how === 'offset')) {
    const s = registry.projects[c.project]!.services![c.service]!;
    const move = diff.rangeMoves.find((r) => r.project === c.project)!;
    s.port = c.to;
    notes.push(`service "${c.service}" of project "${c.project}": port ${c.from} → ${c.to}, its offset in the new range ${formatRange(move.to)}`);
  }
  for (const c of diff.changes) {
    const s = registry.projects[c.project]!.services![c.service]!;
    if ((s.history ?? []).some((h) => h.port === c.from)) continue;
    if (serviceProtocols(s.protocol).some((p) => holders().ownerOf(c.from, p))) continue;
    const move = diff.rangeMoves.find((r) => r.project === c.project);
    const reason = c.how === 'offset' && move ? `project moved from ${formatRange(move.from)} to ${formatRange(move.to)}` : 'migrate';
    s.history = [...(s.history ?? []), { port: c.from, until: now, reason }];
    notes.push(`service "${c.service}" of project "${c.project}": ${c.from} added to its history (quarantine)`);
  }
  if ((registry.quarantineDays ?? 30) > 0) {
    for (const r of diff.removed) {
      if ((registry.released ?? []).some((x) => x.project === r.project && x.service === r.service && x.port === r.port)) continue;
      if (PROTOCOLS.some((p) => holders().ownerOf(r.port, p))) continue;
      registry.released = [...(registry.released ?? []), { project: r.project, service: r.service, port: r.port, releasedAt: now }];
      notes.push(`service "${r.service}" of project "${r.project}" is gone: port ${r.port} recorded as released (quarantine)`);
    }
  }
  return notes.length > 0 ? { registry, notes } : { notes };
}
