/**
 * The allocator: pure functions from a registry and a request to a new registry.
 * No IO and no clock of their own, so every rule here is tested without files;
 * the store runs them under the lock.
 */
import { refusal, usageError } from '../errors.js';
import { PROTOCOLS, type Protocol } from '../protocol.js';
import { assertEnvName, assertName } from './names.js';
import { registrableRange } from './slots.js';
import { BranchClaimIndex, portIndexOf, portKey, type BranchClaim, type PortHolder, type PortIndex, type QuarantineHold } from './port-index.js';
import {
  cloneRegistry,
  DEFAULT_PROJECT_SPACE,
  DEFAULT_RANGE_SIZE,
  formatRange,
  inRange,
  rangeSize,
  rangesOverlap,
  serviceProtocols,
  type PortRange,
  type Registry,
  type Reservation,
  type Service,
} from './types.js';

export interface AllocationRequest {
  project: string;
  service: string;
  purpose: string;
  /** An explicit port to check and take instead of the next free one. */
  port?: number;
  env?: string;
  protocol?: Protocol | Protocol[];
  containerPort?: number;
  composeService?: string;
}

export interface AllocationContext {
  now: Date;
  /** Ports something listens on right now (`port/protocol`): skipped, and reported. */
  livePorts?: ReadonlySet<string>;
  /** Ports other branches give to other services (registry/branch-claims.ts): skipped, and an asked-for one refused. */
  claims?: readonly BranchClaim[];
}

export interface AllocationResult {
  registry: Registry;
  project: string;
  service: string;
  port: number;
  range: PortRange;
  /** False when the service already had this port (idempotent repeat). */
  created: boolean;
  /** Free-by-registry ports skipped because something listens on them now. */
  skippedLive: number[];
  /** Things the caller should hear about but that do not stop the allocation. */
  warnings: string[];
}

/** A deep copy, so the caller's registry is never changed behind its back. */
function clone(registry: Registry): Registry {
  return cloneRegistry(registry);
}

function knownProjects(registry: Registry): string {
  const names = Object.keys(registry.projects);
  if (names.length === 0) return 'there are no projects yet';
  const shown = names.slice(0, 20).join(', ');
  return `known projects: ${shown}${names.length > 20 ? `, … (${names.length} in all)` : ''}`;
}

export function requireProject(registry: Registry, name: string) {
  assertName('project', name);
  const project = Object.hasOwn(registry.projects, name) ? registry.projects[name] : undefined;
  if (!project) {
    throw refusal('project-unknown', `project "${name}" is unknown: register it with "portreg project add ${name}" (${knownProjects(registry)})`, {
      project: name,
    });
  }
  return project;
}

/**
 * A valid service name the project does not have, for a request that is never written (a probe
 * of whether a port is free, a suggestion): the allocator checks it as a new service.
 */
export function unusedServiceName(registry: Registry, project: string, base: string): string {
  const services = (Object.hasOwn(registry.projects, project) ? registry.projects[project]!.services : undefined) ?? {};
  let name = base;
  for (let i = 2; Object.hasOwn(services, name); i++) name = `${base}-${i}`;
  return name;
}

/** Why a port cannot go to (project, service), or null when it can. */
type Blocker =
  | { kind: 'taken'; owner: PortHolder }
  | { kind: 'reserved'; reservation: Reservation; range: PortRange }
  | { kind: 'avoid'; reservation: Reservation; range: PortRange }
  | { kind: 'quarantine'; hold: QuarantineHold }
  | { kind: 'claimed'; claim: BranchClaim }
  | { kind: 'live' };

/** What the allocator asks of each candidate port: the same for every port of one request. */
interface Claim {
  project: string;
  service: string;
  protocols: Protocol[];
  index: PortIndex;
  now: Date;
  live: ReadonlySet<string> | undefined;
  claims?: BranchClaimIndex;
}

function blockerOf(port: number, claim: Claim): Blocker | null {
  const { project, service, protocols, index } = claim;
  for (const protocol of protocols) {
    const owner = index.ownerOf(port, protocol);
    if (owner && !(owner.project === project && owner.service === service)) return { kind: 'taken', owner };
  }
  const reservations = index.reservationsFor(port, project, protocols);
  const hard = reservations.find((r) => r.severity === 'error');
  if (hard) return { kind: 'reserved', reservation: hard.reservation, range: hard.range };
  for (const protocol of protocols) {
    const hold = index.quarantineHold(port, protocol, claim.now);
    if (hold && !(hold.project === project && hold.service === service)) return { kind: 'quarantine', hold };
  }
  const claimed = claim.claims?.against(port, protocols, project, service)[0];
  if (claimed) return { kind: 'claimed', claim: claimed };
  const soft = reservations[0];
  if (soft) return { kind: 'avoid', reservation: soft.reservation, range: soft.range };
  if (claim.live && protocols.some((p) => claim.live!.has(portKey(port, p)))) return { kind: 'live' };
  return null;
}

/** Would the allocator give this port to a new tcp service of the project (live listeners aside)? */
export function isFreeForNewService(registry: Registry, project: string, port: number, context: { now: Date }): boolean {
  return blockerOf(port, { project, service: '\u0000', protocols: ['tcp'], index: portIndexOf(registry), now: context.now, live: undefined }) === null;
}

function describeBlocker(port: number, b: Blocker): string {
  switch (b.kind) {
    case 'taken':
      return `port ${port} is taken by service "${b.owner.service}" of project "${b.owner.project}"`;
    case 'reserved':
      return `port ${port} is reserved: ${b.reservation.reason} (${formatRange(b.range)})`;
    case 'avoid':
      return `port ${port} is one to avoid: ${b.reservation.reason} (${formatRange(b.range)})`;
    case 'quarantine':
      return `port ${port} was ${b.hold.what} by service "${b.hold.service}" of project "${b.hold.project}" on ${b.hold.since} and is in quarantine until ${b.hold.until}`;
    case 'claimed':
      return `port ${port} is given to service "${b.claim.service}" of project "${b.claim.project}" on branch ${b.claim.branch}`;
    case 'live':
      return `port ${port} is in use on this machine right now`;
  }
}

/** Ports this service used before (released or moved), newest first: it may have them back first. */
function previousPorts(registry: Registry, project: string, service: string): number[] {
  const released = (registry.released ?? [])
    .filter((r) => r.project === project && r.service === service)
    .sort((a, b) => b.releasedAt.localeCompare(a.releasedAt))
    .map((r) => r.port);
  return [...new Set(released)];
}

export function allocatePort(input: Registry, request: AllocationRequest, context: AllocationContext): AllocationResult {
  assertName('service', request.service);
  if (request.env !== undefined) assertEnvName(request.env);
  const registry = clone(input);
  const project = requireProject(registry, request.project);
  const services = (project.services ??= Object.create(null) as Record<string, Service>);
  const protocols = serviceProtocols(request.protocol);
  const existing = Object.hasOwn(services, request.service) ? services[request.service] : undefined;

  if (existing) {
    if (request.port !== undefined && request.port !== existing.port) {
      throw refusal(
        'service-has-port',
        `service "${request.service}" of project "${request.project}" already has port ${existing.port}; to move it to ${request.port}, use "portreg reassign --project ${request.project} --service ${request.service} --port ${request.port}"`,
        { project: request.project, service: request.service, port: existing.port },
      );
    }
    // A repeat is answered with what is registered; say where the request differs from it.
    const warnings: string[] = [];
    const registeredProtocols = serviceProtocols(existing.protocol);
    if (request.protocol && registeredProtocols.join(',') !== protocols.join(',')) {
      warnings.push(`service "${request.service}" is registered for ${registeredProtocols.join(', ')}, not ${protocols.join(', ')}`);
    }
    if (request.env && request.env !== existing.env) {
      warnings.push(`service "${request.service}" is registered with env ${existing.env ?? '(none)'}, not ${request.env}`);
    }
    return {
      registry: input,
      project: request.project,
      service: request.service,
      port: existing.port,
      range: project.range,
      created: false,
      skippedLive: [],
      warnings,
    };
  }

  if (request.env) {
    const carrier = Object.entries(services).find(([, s]) => s.env === request.env);
    if (carrier) {
      throw refusal(
        'env-taken',
        `env variable ${request.env} already carries the port of service "${carrier[0]}" of project "${request.project}": choose another name`,
      );
    }
  }

  // The input's index: the copy is the same registry until the new entry goes in below.
  const claim: Claim = {
    project: request.project,
    service: request.service,
    protocols,
    index: portIndexOf(input),
    now: context.now,
    live: context.livePorts,
    ...(context.claims?.length ? { claims: new BranchClaimIndex(context.claims) } : {}),
  };
  const warnings: string[] = [];
  const skippedLive: number[] = [];
  // With slots, only slot 0's block: every other slot repeats it.
  const registrable = registrableRange(project);
  let port: number | undefined;

  if (request.port !== undefined) {
    port = request.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError('port-invalid', `port ${port} is not a port number (1-65535)`);
    if (!inRange(port, project.range)) {
      throw refusal('port-out-of-range', `port ${port} is outside the range ${formatRange(project.range)} of project "${request.project}"`);
    }
    if (!inRange(port, registrable)) {
      throw refusal(
        'port-beyond-slot-width',
        `port ${port} is beyond slot 0 of project "${request.project}" (${formatRange(registrable)}, slots of width ${project.slots!.width}): it is slot ${Math.floor((port - project.range.from) / project.slots!.width)}'s copy of ${project.range.from + ((port - project.range.from) % project.slots!.width)}; take a port of ${formatRange(registrable)}, or widen the slots`,
        { port, width: project.slots!.width },
      );
    }
    const blocker = blockerOf(port, claim);
    if (blocker?.kind === 'avoid') warnings.push(`${describeBlocker(port, blocker)}; taking it because it was asked for`);
    else if (blocker?.kind === 'live') warnings.push(`${describeBlocker(port, blocker)}; taking it because it was asked for`);
    else if (blocker?.kind === 'claimed')
      throw refusal(
        'port-claimed',
        `${describeBlocker(port, blocker)}: the two would merge into a duplicate; choose another port (or pass --no-branch-claims to take it anyway)`,
        { port, branch: blocker.claim.branch },
      );
    else if (blocker) throw refusal(`port-${blocker.kind}`, describeBlocker(port, blocker), { port });
  } else {
    const skippedClaimed = new Set<string>();
    const isFree = (candidate: number) => {
      const blocker = blockerOf(candidate, claim);
      if (blocker?.kind === 'live') skippedLive.push(candidate);
      // Said, so the user knows why a port below the one given was passed over.
      if (blocker?.kind === 'claimed') skippedClaimed.add(`skipped ${describeBlocker(candidate, blocker)}`);
      return blocker === null;
    };
    port = previousPorts(registry, request.project, request.service).find((p) => inRange(p, registrable) && isFree(p));
    for (let candidate = registrable.from; port === undefined && candidate <= registrable.to; candidate++) {
      if (isFree(candidate)) port = candidate;
    }
    if (port === undefined) throw rangeFull(registry, claim);
    warnings.push(...skippedClaimed);
  }

  const entry: Service = { port, purpose: request.purpose };
  if (request.env) entry.env = request.env;
  if (request.protocol && !(protocols.length === 1 && protocols[0] === 'tcp')) entry.protocol = request.protocol;
  if (request.composeService && request.composeService !== request.service) entry.composeService = request.composeService;
  if (request.containerPort !== undefined) entry.containerPort = request.containerPort;
  services[request.service] = entry;
  // The service is back on its old port: that release record is done. Records of its other
  // old ports stay, so their quarantine runs its full course.
  if (registry.released) {
    registry.released = registry.released.filter((r) => !(r.project === request.project && r.service === request.service && r.port === port));
    if (registry.released.length === 0) delete registry.released;
  }
  return {
    registry,
    project: request.project,
    service: request.service,
    port,
    range: project.range,
    created: true,
    skippedLive: [...new Set(skippedLive)],
    warnings,
  };
}

function rangeFull(registry: Registry, claim: Claim) {
  const projectName = claim.project;
  const project = registry.projects[projectName]!;
  const registrable = registrableRange(project);
  const size = rangeSize(registrable);
  // Ports, not entries: a reassignment's stand-in (or a duplicate being settled) shares its port.
  const used = new Set(
    Object.values(project.services ?? {})
      .filter((s) => inRange(s.port, registrable))
      .map((s) => s.port),
  ).size;
  const counts = { reserved: 0, quarantine: 0, claimed: 0, live: 0 };
  for (let p = registrable.from; p <= registrable.to; p++) {
    // A service name nobody has: the project's own ports count as used, not as blocked.
    const b = blockerOf(p, { ...claim, service: '\u0000' });
    if (!b) continue;
    if (b.kind === 'reserved' || b.kind === 'avoid') counts.reserved++;
    else if (b.kind === 'quarantine') counts.quarantine++;
    else if (b.kind === 'claimed') counts.claimed++;
    else if (b.kind === 'live') counts.live++;
  }
  const extra = [
    counts.reserved ? `${counts.reserved} reserved or to avoid` : '',
    counts.quarantine ? `${counts.quarantine} in quarantine` : '',
    counts.claimed ? `${counts.claimed} given away on other branches` : '',
    counts.live ? `${counts.live} in use on this machine` : '',
  ].filter(Boolean);
  if (project.slots) {
    const width = project.slots.width;
    return refusal(
      'slot-width-full',
      `project ${projectName}: slot 0 (${formatRange(registrable)}, the first ${width} ports of range ${formatRange(project.range)}) is full (${used} of ${size} used${extra.length ? `; ${extra.join(', ')}` : ''}): with slots of width ${width}, every service's port lies in slot 0 and each slot repeats it ${width} ports up; widen the slots ("slots": { "width": N } with N > ${width} in the registry, for fewer slots: portreg registry check says how many the range holds) or register fewer services (portreg release)`,
      { project: projectName, used, size, width },
    );
  }
  return refusal(
    'range-full',
    `project ${projectName}: range ${formatRange(project.range)} is full (${used} of ${size} used${extra.length ? `; ${extra.join(', ')}` : ''})`,
    { project: projectName, used, size },
  );
}

export interface ReleaseResult {
  registry: Registry;
  port: number;
  /** False when the service was released already (its release record still there): nothing changed. */
  released: boolean;
}

/** Removes a service; its port stays in quarantine under a release record. */
export function releaseService(input: Registry, projectName: string, serviceName: string, context: { now: Date }): ReleaseResult {
  assertName('service', serviceName);
  const registry = clone(input);
  const project = requireProject(registry, projectName);
  const service = project.services && Object.hasOwn(project.services, serviceName) ? project.services[serviceName] : undefined;
  if (!service) {
    // A repeat is a no-op, as a repeated allocation is: the port is already in quarantine.
    const record = (registry.released ?? []).filter((r) => r.project === projectName && r.service === serviceName).at(-1);
    if (record) return { registry: input, port: record.port, released: false };
    const names = Object.keys(project.services ?? {});
    throw refusal(
      'service-unknown',
      `project "${projectName}" has no service "${serviceName}" (${names.length ? `its services: ${names.join(', ')}` : 'it has no services'})`,
    );
  }
  delete project.services![serviceName];
  const days = registry.quarantineDays ?? 30;
  const cutoff = context.now.getTime() - days * 24 * 60 * 60 * 1000;
  // Records whose quarantine has ended only clutter the file: drop them while writing anyway.
  const released = (registry.released ?? []).filter((r) => Date.parse(r.releasedAt) > cutoff);
  if (days > 0) {
    const record = (port: number, releasedAt: string) => ({
      project: projectName,
      service: serviceName,
      port,
      ...(service.protocol ? { protocol: service.protocol } : {}),
      ...(service.env ? { env: service.env } : {}),
      releasedAt,
    });
    // Ports the service moved away from keep their own quarantine after the service is gone.
    for (const h of service.history ?? []) {
      if (h.port !== service.port && Date.parse(h.until) > cutoff) released.push(record(h.port, h.until));
    }
    released.push(record(service.port, context.now.toISOString()));
  }
  if (released.length) registry.released = released;
  else delete registry.released;
  return { registry, port: service.port, released: true };
}

export interface AddProjectRequest {
  name: string;
  path?: string;
  size?: number;
  range?: PortRange;
  description?: string;
}

export interface AddProjectResult {
  registry: Registry;
  range: PortRange;
  created: boolean;
  warnings: string[];
}

/** Why a block cannot be a project's range, or null. */
function rangeBlocker(registry: Registry, range: PortRange, name: string): string | null {
  for (const [other, p] of Object.entries(registry.projects)) {
    if (other !== name && rangesOverlap(range, p.range)) return `it overlaps range ${formatRange(p.range)} of project "${other}"`;
  }
  const reserved = portIndexOf(registry).reservedInRange(range, name)[0];
  if (reserved)
    return `it ${reserved.range.from === reserved.range.to ? 'holds reserved port' : 'overlaps reserved range'} ${formatRange(reserved.range)} (${reserved.reservation.reason})`;
  return null;
}

/**
 * Why no new service could get any port of the range now (every port reserved, to avoid, taken
 * or in quarantine), or null when one could. A few of the ports' reasons, for the message.
 */
function unusableRange(registry: Registry, range: PortRange, name: string, now: Date): string | null {
  const claim: Claim = { project: name, service: '\u0000', protocols: ['tcp'], index: portIndexOf(registry), now, live: undefined };
  const reasons: string[] = [];
  for (let port = range.from; port <= range.to; port++) {
    const b = blockerOf(port, claim);
    if (!b) return null;
    if (reasons.length < 3) reasons.push(describeBlocker(port, b));
  }
  const more = rangeSize(range) - reasons.length;
  return `no port of ${formatRange(range)} could be allocated: ${reasons.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/**
 * Gives a project the next free aligned block of the project space (or the range asked for).
 * With `context.now` (project add), a block in which no port could be allocated now is skipped
 * (a range given is kept), with a warning that says why; without it (moves, imports that place
 * ports themselves) blocks are judged by overlaps and hard reservations alone.
 */
export function addProject(input: Registry, request: AddProjectRequest, context?: { now: Date }): AddProjectResult {
  assertName('project', request.name);
  const registry = clone(input);
  const existing = Object.hasOwn(registry.projects, request.name) ? registry.projects[request.name] : undefined;
  const r = request.range;
  if (r && (!Number.isInteger(r.from) || !Number.isInteger(r.to) || r.from < 1 || r.to > 65535 || r.from > r.to)) {
    throw usageError('range-invalid', `range ${r.from}-${r.to} is not a valid port range`);
  }
  const size = r ? rangeSize(r) : (request.size ?? registry.rangeSize ?? DEFAULT_RANGE_SIZE);
  if (existing) {
    const same =
      (!request.range || (request.range.from === existing.range.from && request.range.to === existing.range.to)) &&
      (request.size === undefined || request.size === rangeSize(existing.range)) &&
      (request.path === undefined || request.path === existing.path);
    if (!same) {
      throw refusal(
        'project-exists',
        `project "${request.name}" already exists with range ${formatRange(existing.range)}${existing.path ? ` and path "${existing.path}"` : ''}; to move it, use "portreg project move"`,
      );
    }
    return { registry: input, range: existing.range, created: false, warnings: [] };
  }
  if (!Number.isInteger(size) || size < 1) throw usageError('size-invalid', `range size ${size} must be a positive whole number`);
  const space = registry.projectSpace ?? DEFAULT_PROJECT_SPACE;
  const warnings: string[] = [];
  let range: PortRange | undefined;
  if (r) {
    const blocker = rangeBlocker(registry, r, request.name);
    if (blocker) throw refusal('range-unavailable', `range ${formatRange(r)} cannot go to project "${request.name}": ${blocker}`);
    if (r.from < space.from || r.to > space.to) warnings.push(`range ${formatRange(r)} lies outside the project space ${formatRange(space)}`);
    const unusable = context && unusableRange(registry, r, request.name, context.now);
    if (unusable) warnings.push(`${unusable}: the project cannot allocate until one is free`);
    range = r;
  } else {
    // Blocks are aligned to the size from the start of the space (5000-5099, 5100-5199, ...).
    for (let from = space.from; from + size - 1 <= space.to; from += size) {
      const candidate = { from, to: from + size - 1 };
      if (rangeBlocker(registry, candidate, request.name)) continue;
      const unusable = context && unusableRange(registry, candidate, request.name, context.now);
      if (unusable) {
        warnings.push(`skipped ${formatRange(candidate)}: ${unusable}`);
        continue;
      }
      range = candidate;
      break;
    }
    if (!range) {
      throw refusal(
        'project-space-full',
        `no free block of ${size} ports is left in the project space ${formatRange(space)} (${Object.keys(registry.projects).length} projects)`,
      );
    }
  }
  registry.projects[request.name] = {
    range,
    ...(request.path ? { path: request.path } : {}),
    ...(request.description ? { description: request.description } : {}),
    services: {},
  };
  return { registry, range, created: true, warnings };
}

export interface PortInfo {
  port: number;
  owners: { project: string; service: string; protocol: Protocol[]; purpose: string }[];
  reservations: Reservation[];
  /** The project whose range holds the port, if any. */
  rangeOf: string | null;
  quarantine: QuarantineHold | null;
  /** Nobody holds it, nothing reserves it, no quarantine. */
  free: boolean;
}

/** Everything the registry says about one port. */
export function describePort(registry: Registry, port: number, context: { now: Date }): PortInfo {
  const index = portIndexOf(registry);
  let rangeOf: string | null = null;
  for (const [project, p] of Object.entries(registry.projects)) if (inRange(port, p.range)) rangeOf = project;
  const owners = index.holdingsAt(port).map((h) => ({ project: h.project, service: h.service, protocol: h.protocols, purpose: h.entry.purpose }));
  // Everything written on the port: no project asks, every protocol.
  const reservations = index.reservationsFor(port, null, PROTOCOLS).map((r) => r.reservation);
  const quarantine = index.anyQuarantineHold(port, context.now) ?? null;
  return { port, owners, reservations, rangeOf, quarantine, free: owners.length === 0 && reservations.length === 0 && !quarantine };
}
