/**
 * The pre-flight check before `docker compose up`: every host port a project's stacks publish,
 * against what listens on this machine right now. A port something else holds is where
 * `docker compose up` would fail with "address already in use".
 */
import path from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { requireProject } from '../registry/allocator.js';
import type { Protocol } from '../protocol.js';
import { portIndexOf } from '../registry/port-index.js';
import { suggestFreePorts } from '../registry/suggest.js';
import type { Registry } from '../registry/types.js';
import type { PortFact, ScanResult } from '../scan/scan.js';
import type { Listener } from './listeners.js';
import { describeListener, describeSlot, slotHolding, type LiveSlot, type SlotHolder } from './report.js';

export interface DoctorHolder {
  protocol: 'tcp' | 'udp';
  address: string;
  pid: number | null;
  command: string | null;
}

export interface DoctorPort {
  stack: string;
  file: string;
  line: number;
  column: number;
  composeService: string | null;
  /** The registry service the port is attributed to, if any. */
  service: string | null;
  port: number;
  protocol: Protocol;
  /** The host address it binds (null: every address). */
  hostIp: string | null;
  /** free; held (the bind would fail); unknown (the port comes from a variable without a value, or sctp). */
  status: 'free' | 'held' | 'unknown';
  holders: DoctorHolder[];
  /** Who the registry gives this port and protocol to. */
  registeredOwner: { project: string; service: string } | null;
  /** The registered owner is the very service that publishes it (the holder may be it, already running). */
  ownerIsThisService: boolean;
  /** A free port of the project's range to move to, when held. */
  suggestion: number | null;
  /** When held: the slot of a project with slots whose port it is, and the checkout that leases it (as `ps` names it), else null. */
  slot: LiveSlot | null;
  message: string;
}

export interface DoctorReport {
  project: string;
  /** The checkout's slot, when it leases one: its ports are the ones checked (what `portreg env --write` gives Compose). */
  checkout: { worktree: string; slot: number } | null;
  stacks: string[];
  ports: DoctorPort[];
  /** How many published ports would fail to bind. */
  held: number;
}

/** Where `scan` looks for a project's stacks, as `portreg lint` decides it. */
export interface ProjectScanTarget {
  root: string;
  within?: string[];
  /** The whole root is the project (a project repository that names a central registry). */
  only?: string;
}

export function projectScanTarget(options: {
  registry: Registry;
  registryPath: string;
  project: string;
  /** The config that named the registry, when it came from one. */
  config?: LoadedConfig;
  fromConfig: boolean;
}): ProjectScanTarget {
  const registryDir = path.dirname(options.registryPath);
  if (options.fromConfig && options.config?.config.project === options.project) {
    return { root: path.dirname(options.config.file), only: options.project };
  }
  const p = requireProject(options.registry, options.project);
  if (p.path === undefined) return { root: registryDir };
  const within = path.relative(registryDir, path.resolve(registryDir, p.path)).split(path.sep).join('/') || '.';
  return within === '.' || within.startsWith('..') ? { root: registryDir } : { root: registryDir, within: [within] };
}

/** Scans the project's files (compose, env templates) with the registry attached. */
export async function scanProject(
  registry: Registry,
  registryPath: string,
  target: ProjectScanTarget,
  settings: LoadedConfig['config'] = {},
  /** Values over the env templates' (a checkout's slot variables). */
  extraEnv?: Record<string, string>,
): Promise<ScanResult> {
  const { scan } = await import('../scan/scan.js');
  return scan({
    root: target.root,
    registry,
    registryDir: path.dirname(registryPath),
    include: settings.include,
    exclude: settings.exclude,
    envFiles: settings.envFiles,
    ...(extraEnv ? { extraEnv } : {}),
    ...(target.within ? { within: target.within } : {}),
    ...(target.only ? { project: target.only } : {}),
  });
}

/** Does a compose binding on `hostIp` collide with a socket bound to `address`? */
export function bindConflicts(hostIp: string | null, listener: { family: 4 | 6; address: string }): boolean {
  const ip = hostIp?.replace(/^\[(.*)\]$/, '$1') || null;
  const mapped = listener.address.startsWith('::ffff:') ? listener.address.slice(7) : null;
  const address = mapped ?? listener.address;
  const family = mapped ? 4 : listener.family;
  // Docker binds every address of both families when no host IP is given.
  if (ip === null) return true;
  // A dual-stack `::` listener holds the IPv4 port too (Linux's default bindv6only=0).
  if (address === '::') return true;
  if (ip === '0.0.0.0') return family === 4;
  if (ip === '::') return family === 6 || address === '0.0.0.0';
  if (address === '0.0.0.0') return !ip.includes(':');
  return address === ip;
}

const MAX_RANGE_EXPANSION = 1000;

/** Joins the project's published ports with the listeners. */
export function doctorReport(options: {
  registry: Registry;
  project: string;
  scan: ScanResult;
  listeners: readonly Listener[];
  now: Date;
  /** How to show a scanned file's path (default: relative to the scan root). */
  shown?: (file: string) => string;
  /** The slots leased on this machine (slots/state.ts), to name the checkout behind a held port. */
  holders?: readonly SlotHolder[];
  /** The checkout doctor runs for, and its slot, when it leases one. */
  checkout?: { worktree: string; slot: number } | null;
}): DoctorReport {
  const { registry, project, scan, listeners } = options;
  const checkout = options.checkout ?? null;
  const shown = options.shown ?? ((f: string) => f);
  requireProject(registry, project);
  const index = portIndexOf(registry);
  const stacks = scan.stacks.filter((s) => s.project === project);
  const entries: { stack: string; fact: PortFact; port: number | null }[] = [];
  for (const stack of stacks) {
    for (const service of stack.services) {
      for (const index of service.ports) {
        const fact = scan.ports[index];
        if (fact?.kind !== 'published') continue;
        if (fact.published === null) {
          entries.push({ stack: stack.id, fact, port: null });
          continue;
        }
        const end = Math.min(fact.publishedEnd ?? fact.published, fact.published + MAX_RANGE_EXPANSION - 1);
        for (let port = fact.published; port <= end; port++) entries.push({ stack: stack.id, fact, port });
      }
    }
  }

  const live = new Set(listeners.map((l) => `${l.port}/${l.protocol}`));
  const ports: DoctorPort[] = entries.map(({ stack, fact, port }) => {
    const protocol = fact.protocol ?? 'tcp';
    const base = {
      stack: shown(stack),
      file: shown(fact.file),
      line: fact.line,
      column: fact.column,
      composeService: fact.composeService,
      service: fact.service,
      port: port ?? 0,
      protocol,
      hostIp: fact.hostIp,
    };
    const where = `${shown(fact.file)}:${fact.line}:${fact.column}`;
    const who = `compose service "${fact.composeService ?? '?'}"`;
    if (port === null) {
      return {
        ...base,
        status: 'unknown' as const,
        holders: [],
        registeredOwner: null,
        ownerIsThisService: false,
        suggestion: null,
        slot: null,
        message: `${who} publishes ${fact.raw} (${where}): ${fact.variable ?? 'its variable'} has no value, so the port is not known: set it in the env template`,
      };
    }
    const owner = index.ownerOf(port, protocol);
    const registeredOwner = owner ? { project: owner.project, service: owner.service } : null;
    const ownerIsThisService = Boolean(
      registeredOwner && registeredOwner.project === project && fact.service !== null && registeredOwner.service === fact.service,
    );
    if (protocol === 'sctp') {
      return {
        ...base,
        status: 'unknown' as const,
        holders: [],
        registeredOwner,
        ownerIsThisService,
        suggestion: null,
        slot: null,
        message: `${port}/sctp (${where}): SCTP listeners cannot be seen; not checked`,
      };
    }
    const holders = listeners
      .filter((l) => l.port === port && l.protocol === protocol && bindConflicts(fact.hostIp, l))
      .map((l) => ({ protocol: l.protocol, address: l.address, pid: l.pid, command: l.command }));
    const status = holders.length ? ('held' as const) : ('free' as const);
    const slot = holders.length ? slotHolding(registry, index, port, protocol, options.holders ?? []) : null;
    return { ...base, status, holders, registeredOwner, ownerIsThisService, suggestion: null, slot, message: '' };
  });

  const held = ports.filter((p) => p.status === 'held');
  const suggestions = suggestFreePorts(registry, project, held.length, { now: options.now, livePorts: live });
  held.forEach((p, i) => {
    p.suggestion = suggestions[i] ?? null;
  });
  for (const p of ports) {
    if (p.status !== 'free' && p.status !== 'held') continue;
    const where = `${p.file}:${p.line}:${p.column}`;
    const bind = `${p.hostIp ? `${p.hostIp}:` : ''}${p.port}/${p.protocol}`;
    const who = `compose service "${p.composeService ?? '?'}"`;
    if (p.status === 'free') {
      p.message = `${bind} of ${who} (${where}) is free`;
      continue;
    }
    const holders = p.holders.map((h) => describeListener({ ...h, port: p.port })).join('; ') + (p.slot ? `, ${describeSlot(p.slot)}` : '');
    const own = p.slot !== null && checkout !== null && p.slot.project === project && p.slot.worktree === checkout.worktree;
    if (p.slot && p.slot.project === project && !own) {
      // Another checkout of this project runs there: moving the registered port is not the answer, a slot of its own is.
      const next = checkout
        ? `this checkout holds slot ${checkout.slot}, but this port is not of it: publish it through the service's variable, \${VAR:-${p.port}} (rule slot-literal-port)`
        : "give this checkout a slot of its own (portreg env --write, then docker compose up reads the slot's ports from .env)";
      p.message = `${bind} of ${who} (${where}) is held by ${holders}: another checkout of "${project}" runs there; stop it, or ${next}`;
      continue;
    }
    if (own) {
      p.message = `${bind} of ${who} (${where}) is held by ${holders}: this checkout's own slot; if that is this stack already running, compose keeps it; otherwise stop that process`;
      continue;
    }
    const owner = p.registeredOwner
      ? p.ownerIsThisService
        ? `the registry gives the port to this service ("${p.registeredOwner.service}"): if that is this stack already running, compose keeps it; otherwise`
        : `the registry gives the port to service "${p.registeredOwner.service}" of project "${p.registeredOwner.project}"${p.registeredOwner.project === project ? '' : ' (another project)'}, not to this entry:`
      : 'no service is registered on the port:';
    const move =
      p.suggestion !== null
        ? ` stop that process, or move this entry to ${p.suggestion} (free in the range of "${project}")`
        : ` stop that process (the range of "${project}" has no free port left)`;
    p.message = `${bind} of ${who} (${where}) is held by ${holders}: ${owner}${move}`;
  }
  return { project, checkout, stacks: stacks.map((s) => shown(s.id)), ports, held: held.length };
}
