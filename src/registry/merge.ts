/**
 * The three-way merge of two registries that grew apart from one base (a git merge or rebase of
 * `ports.registry.json`). Pure: no files, no git, no clock of its own.
 *
 * 1. Entries: projects, services, reservations, history and release records are merged entry
 *    by entry, and each entry field by field: a field changed on one side only is taken from that
 *    side; an entry added on one side is kept, one removed on one side (and left alone on the
 *    other) goes. A field both sides changed differently, or an entry one side removed and the
 *    other changed, is a true conflict: reported, and nothing is decided for it.
 * 2. Claims: git merges two allocations of one "next free" port without a murmur when they sit on
 *    different lines. Where both sides gave one port and protocol to different services (or gave
 *    overlapping ranges to different projects, or ours reserved a port theirs gave away), ours
 *    keeps it, and theirs moves: the service to
 *    the next free port of its range, the project to the next free block, through the same moves
 *    as `reassign` and `project move` (the port left behind goes into the service's history).
 *
 * `previous` (the working file of an earlier run, when it parses) makes a second run change
 * nothing: a service it already moved keeps the port and the date that run gave it.
 */
import { PortregError } from '../errors.js';
import { addProject } from './allocator.js';
import { formatJsonPath, type JsonPath } from './json-document.js';
import { moveProject, reassignService, type PortMove } from './moves.js';
import { PortIndex } from './port-index.js';
import { cloneRegistry, formatRange, rangeSize, rangesOverlap, serviceProtocols, type PortRange, type Registry } from './types.js';

export interface MergeConflict {
  path: JsonPath;
  message: string;
}

export interface MergeContext {
  now: Date;
  /** The registry an earlier resolution wrote, when it parses: its moves are kept as they are. */
  previous?: Registry;
}

export interface RegistryMerge {
  /** The merged registry, claims separated; undefined when there are conflicts. */
  registry: Registry | undefined;
  /** The entries merged, before the claims were separated (both sides' services where they were): who owned what in the merged configs. */
  entries: Registry | undefined;
  conflicts: MergeConflict[];
  /** Ports of theirs' services that move (a project's move gives one per service). */
  moves: PortMove[];
  /** What was decided, one line each, for the user. */
  decisions: string[];
  /** Ports both sides gave away, with the service ours kept each for: a config that names one by its number alone cannot be told apart. */
  contested: Map<number, string>;
}

export function mergeRegistries(base: Registry | null, ours: Registry, theirs: Registry, context: MergeContext): RegistryMerge {
  const conflicts: MergeConflict[] = [];
  const entries = mergeValue(ROOT, [], base ?? undefined, ours, theirs, conflicts) as Registry;
  const none = { registry: undefined, entries: undefined, moves: [], decisions: [], contested: new Map<number, string>() };
  if (conflicts.length > 0) return { ...none, conflicts };
  const merged = cloneRegistry(entries);
  const claims = separateClaims(merged, ours, context, conflicts);
  if (conflicts.length > 0) return { ...none, conflicts };
  return { registry: claims.registry, entries: merged, conflicts, moves: claims.moves, decisions: claims.decisions, contested: claims.contested };
}

// ---- 1. entries ----------------------------------------------------------------------------

/** How a part of the registry merges. */
type Kind =
  /** Compared whole (a range is one value: half of one side's range and half of the other's is nobody's). */
  | { type: 'atomic' }
  /** An object whose fields merge one by one (unknown fields are atomic). */
  | { type: 'record'; fields: Record<string, Kind> }
  /** Entries by name. */
  | { type: 'map'; of: Kind }
  /** A list of entries told apart by `key`; an entry's fields merge as `of`. */
  | { type: 'set'; key: (entry: unknown) => string; of: Kind };

const ATOMIC: Kind = { type: 'atomic' };
/** An entry that is its own identity (a history entry, a release record): added or removed, never changed. */
const WHOLE = (entry: unknown) => canonical(entry);
const SERVICE: Kind = { type: 'record', fields: { history: { type: 'set', key: WHOLE, of: ATOMIC } } };
const PROJECT: Kind = { type: 'record', fields: { services: { type: 'map', of: SERVICE } } };
const RESERVATION: Kind = { type: 'record', fields: {} };
const ROOT: Kind = {
  type: 'record',
  fields: {
    reserved: { type: 'set', key: reservationKey, of: RESERVATION },
    projects: { type: 'map', of: PROJECT },
    released: { type: 'set', key: WHOLE, of: ATOMIC },
  },
};

/** A reservation is the ports it covers and the protocol it covers them for; its reason, severity and owner may change. */
function reservationKey(entry: unknown): string {
  const r = entry as { port?: number; range?: PortRange; protocol?: string };
  return `${r.range ? `${r.range.from}-${r.range.to}` : r.port}/${r.protocol ?? '*'}`;
}

/** JSON with sorted keys: two values are the same when their canonical texts are. */
function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

function mergeValue(kind: Kind, path: JsonPath, base: unknown, ours: unknown, theirs: unknown, conflicts: MergeConflict[]): unknown {
  if (same(ours, theirs)) return ours;
  if (same(base, ours)) return theirs;
  if (same(base, theirs)) return ours;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  // A map or a list that one side does not have is an empty one (a `released` list emptied is dropped).
  const absentOr = (test: (v: unknown) => boolean) => [ours, theirs].every((v) => v === undefined || test(v));
  if (kind.type === 'record' && [ours, theirs].every(isObject)) return mergeRecord(kind.fields, path, base, ours, theirs, conflicts);
  if (kind.type === 'map' && absentOr(isObject)) return mergeMap(kind.of, path, base, ours, theirs, conflicts);
  if (kind.type === 'set' && absentOr(Array.isArray))
    return mergeSet(kind, path, base, ours as unknown[] | undefined, theirs as unknown[] | undefined, conflicts);
  conflicts.push({ path, message: `${describePath(path)}: ${changedTo(ours, theirs, base)}` });
  return ours;
}

const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function mergeRecord(fields: Record<string, Kind>, path: JsonPath, base: unknown, ours: unknown, theirs: unknown, conflicts: MergeConflict[]) {
  const [b, o, t] = [asRecord(base), asRecord(ours), asRecord(theirs)];
  const result: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(o), ...Object.keys(t), ...Object.keys(b)])) {
    const value = mergeValue(fields[key] ?? ATOMIC, [...path, key], b[key], o[key], t[key], conflicts);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** One entry of a map or a set, present or not on each side: added, removed, or merged. */
function mergeEntry(kind: Kind, path: JsonPath, b: unknown, o: unknown, t: unknown, conflicts: MergeConflict[]): unknown {
  if (o !== undefined && t !== undefined) return mergeValue(kind, path, b, o, t, conflicts);
  const kept = o ?? t;
  if (kept === undefined) return undefined;
  // On one side only: added there, or removed on the other (which is a conflict if that side changed it).
  if (b === undefined) return kept;
  if (same(b, kept)) return undefined;
  conflicts.push({
    path,
    message: `${describePath(path)}: ${o === undefined ? 'removed on ours and changed on theirs' : 'changed on ours and removed on theirs'}`,
  });
  return kept;
}

function mergeMap(of: Kind, path: JsonPath, base: unknown, ours: unknown, theirs: unknown, conflicts: MergeConflict[]) {
  const [b, o, t] = [asRecord(base), asRecord(ours), asRecord(theirs)];
  const result: Record<string, unknown> = Object.create(null);
  for (const key of new Set([...Object.keys(o), ...Object.keys(t), ...Object.keys(b)])) {
    const at = (m: Record<string, unknown>) => (Object.hasOwn(m, key) ? m[key] : undefined);
    const value = mergeEntry(of, [...path, key], at(b), at(o), at(t), conflicts);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function mergeSet(
  kind: Extract<Kind, { type: 'set' }>,
  path: JsonPath,
  base: unknown,
  ours: unknown[] | undefined,
  theirs: unknown[] | undefined,
  conflicts: MergeConflict[],
) {
  const byKey = (list: unknown) => new Map((Array.isArray(list) ? list : []).map((e) => [kind.key(e), e]));
  const [b, o, t] = [byKey(base), byKey(ours), byKey(theirs)];
  // Ours in its order, then what theirs added.
  const result: unknown[] = [];
  for (const key of new Set([...o.keys(), ...t.keys(), ...b.keys()])) {
    const value = mergeEntry(kind.of, [...path, key], b.get(key), o.get(key), t.get(key), conflicts);
    if (value !== undefined) result.push(value);
  }
  return result.length === 0 && (ours === undefined || theirs === undefined) ? undefined : result;
}

/** `service "api" of project "shop", port` and the like: where a conflict is, as the user names it. */
function describePath(path: JsonPath): string {
  const [top, project, sub, service, field, ...rest] = path.map(String);
  if (top === 'projects' && project !== undefined) {
    if (sub === 'services' && service !== undefined) {
      const what = `service "${service}" of project "${project}"`;
      if (field === 'history') return `${what}: its history`;
      return field === undefined ? what : `${what}: its ${[field, ...rest].join('.')}`;
    }
    return sub === undefined ? `project "${project}"` : `project "${project}": its ${sub}`;
  }
  if (top === 'reserved' && project !== undefined) return `the reservation of ${project}${sub ? `: its ${sub}` : ''}`;
  if (top === 'released' && project !== undefined) return 'a release record';
  return formatJsonPath(path);
}

function shownValue(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function changedTo(ours: unknown, theirs: unknown, base: unknown): string {
  const was = base === undefined ? 'added on both sides' : `it was ${shownValue(base)}`;
  return `ours has ${shownValue(ours)}, theirs has ${shownValue(theirs)} (${was})`;
}

// ---- 2. claims -----------------------------------------------------------------------------

interface Claims {
  registry: Registry;
  moves: PortMove[];
  decisions: string[];
  contested: Map<number, string>;
}

/** A service of theirs that leaves its port: why (for its history), what was decided, what blocks it. */
interface Mover {
  project: string;
  service: string;
  port: number;
  reason: string;
  decide: (to: number) => string;
  blocked: string;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The reason a moved service's history gives for the port it left. */
export function mergeReason(port: number, keeper: { project: string; service: string }): string {
  return `merge: port ${port} stayed with service "${keeper.service}" of project "${keeper.project}"`;
}

function separateClaims(merged: Registry, ours: Registry, context: MergeContext, conflicts: MergeConflict[]): Claims {
  let registry = merged;
  const moves: PortMove[] = [];
  const decisions: string[] = [];
  const contested = new Map<number, string>();
  const oursRange = (name: string) => (Object.hasOwn(ours.projects, name) ? ours.projects[name]!.range : undefined);
  const rangeFromOurs = (name: string) => same(oursRange(name), registry.projects[name]!.range);

  // Ranges first: a project that moves takes its services with it, which may settle their ports too.
  const names = Object.keys(registry.projects).sort(byName);
  for (const name of names) {
    if (rangeFromOurs(name)) continue;
    const range = registry.projects[name]!.range;
    const keeper = names.find((other) => other !== name && rangeFromOurs(other) && rangesOverlap(range, registry.projects[other]!.range));
    if (!keeper) continue;
    try {
      const to = previousRange(context.previous, name, range, registry, context.now) ?? nextBlock(registry, name, range, context.now);
      const moved = moveProject(registry, name, to.range, { now: to.now });
      registry = moved.registry;
      moves.push(...moved.moves);
      decisions.push(
        `range ${formatRange(range)}: both sides gave it away; project "${keeper}" (ours) keeps ${formatRange(registry.projects[keeper]!.range)}, project "${name}" (theirs) moves to ${formatRange(to.range)}${moved.moves.length ? `, its services with it (${moved.moves.map((m) => `"${m.service}" ${m.from} → ${m.to}`).join(', ')})` : ''}`,
      );
    } catch (err) {
      if (!(err instanceof PortregError)) throw err;
      conflicts.push({
        path: ['projects', name, 'range'],
        message: `project "${name}" (theirs) overlaps project "${keeper}" (ours) and cannot move: ${err.message}`,
      });
    }
  }

  // Then ports: every port and protocol held twice, and every port of theirs that ours reserved.
  const fromOurs = (project: string, service: string, port: number) =>
    Object.hasOwn(ours.projects, project) && ours.projects[project]!.services?.[service]?.port === port;
  const index = new PortIndex(registry);
  const movers = new Map<string, Mover>();
  const holdings = [...index.holdings()].sort((a, b) => byName(a.project, b.project) || byName(a.service, b.service));
  for (const h of holdings) {
    for (const protocol of serviceProtocols(h.entry.protocol)) {
      const owners = [...index.ownersOf(h.port, protocol)].sort((a, b) => byName(a.project, b.project) || byName(a.service, b.service));
      if (owners.length < 2) continue;
      const kept = owners.filter((o) => fromOurs(o.project, o.service, h.port));
      // Neither is ours as it was (both came from theirs): the first by name keeps it.
      const keeper = kept[0] ?? owners[0]!;
      const keeperName = `service "${keeper.service}" of project "${keeper.project}"`;
      contested.set(h.port, keeperName);
      for (const o of owners) {
        if (o === keeper || kept.includes(o)) continue;
        movers.set(`${o.project}\u0000${o.service}`, {
          project: o.project,
          service: o.service,
          port: h.port,
          reason: mergeReason(h.port, keeper),
          decide: (to) =>
            `port ${h.port}: both sides gave it away; ${keeperName} (${kept.length ? 'ours' : 'theirs'}) keeps it, service "${o.service}" of project "${o.project}" (theirs) moves to ${to}`,
          blocked: `which ${keeperName} keeps`,
        });
      }
    }
    const key = `${h.project}\u0000${h.service}`;
    const reserved = fromOurs(h.project, h.service, h.port)
      ? undefined
      : index.reservationsFor(h.port, h.project, h.protocols).find((r) => r.severity === 'error');
    if (reserved && !movers.has(key)) {
      movers.set(key, {
        project: h.project,
        service: h.service,
        port: h.port,
        reason: `merge: port ${h.port} is reserved: ${reserved.reservation.reason}`,
        decide: (to) => `port ${h.port}: reserved (${reserved.reservation.reason}); service "${h.service}" of project "${h.project}" (theirs) moves to ${to}`,
        blocked: `which is reserved (${reserved.reservation.reason})`,
      });
    }
  }
  for (const m of movers.values()) {
    try {
      const hint = previousPort(context.previous, m.project, m.service, m.port, m.reason);
      const moved =
        (hint && tryReassign(registry, { project: m.project, service: m.service, port: hint.port, reason: m.reason }, hint.now)) ||
        reassignService(registry, { project: m.project, service: m.service, reason: m.reason }, { now: context.now });
      registry = moved.registry;
      moves.push({ project: m.project, service: m.service, from: moved.from, to: moved.to });
      decisions.push(m.decide(moved.to));
    } catch (err) {
      if (!(err instanceof PortregError)) throw err;
      conflicts.push({
        path: ['projects', m.project, 'services', m.service, 'port'],
        message: `service "${m.service}" of project "${m.project}" (theirs) has port ${m.port}, ${m.blocked}, and cannot move: ${err.message}`,
      });
    }
  }
  return { registry, moves, decisions, contested };
}

function tryReassign(registry: Registry, request: { project: string; service: string; port: number; reason: string }, now: Date) {
  try {
    return reassignService(registry, request, { now });
  } catch (err) {
    if (err instanceof PortregError) return undefined;
    throw err;
  }
}

/** The port and date an earlier resolution gave a service that left `port` for this reason. */
function previousPort(previous: Registry | undefined, project: string, service: string, port: number, reason: string) {
  const entry = previous && Object.hasOwn(previous.projects, project) ? previous.projects[project]!.services?.[service] : undefined;
  const left = entry?.history?.find((h) => h.port === port && h.reason === reason);
  return entry && left && entry.port !== port ? { port: entry.port, now: new Date(left.until) } : undefined;
}

/** The range and date an earlier resolution moved the project to, if it still fits. */
function previousRange(previous: Registry | undefined, name: string, range: PortRange, registry: Registry, now: Date) {
  const project = previous && Object.hasOwn(previous.projects, name) ? previous.projects[name] : undefined;
  if (!project || same(project.range, range)) return undefined;
  const reason = `project moved from ${formatRange(range)} to ${formatRange(project.range)}`;
  const left = Object.values(project.services ?? {})
    .flatMap((s) => s.history ?? [])
    .find((h) => h.reason === reason);
  const clear = Object.entries(registry.projects).every(([other, p]) => other === name || !rangesOverlap(p.range, project.range));
  return clear ? { range: project.range, now: left ? new Date(left.until) : now } : undefined;
}

/** The next free block of the project's size, as `project add` finds one. */
function nextBlock(registry: Registry, name: string, range: PortRange, now: Date) {
  const without = cloneRegistry(registry);
  delete without.projects[name];
  return { range: addProject(without, { name, size: rangeSize(range) }, { now }).range, now };
}
