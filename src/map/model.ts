/**
 * The port map's model: what `portreg map` draws, from the registry, the inventory and the lint
 * findings. Pure (no IO, no clock): the same input gives the same model, which the renderers
 * (report/map/) turn into an SVG picture or an HTML page, and which the page carries as JSON.
 *
 * - `extent` is the band: the project space, widened to every project range and every used port
 *   that lies outside it, so nothing is drawn off the edge.
 * - `free` are the blocks of the project space no project range covers and no reservation keeps
 *   every project out of (the reservations `reservedInRange` names: severity error, every protocol).
 * - A mark is a port a project uses: registered for one of its services, or published by its own
 *   files (a host port: `isHostPort`). Mentions in docs are not uses; their findings still show.
 * - A finding is placed on a project and a port through the inventory: the port fact at its exact
 *   place, else the project of its file; a finding in the registry file, through the entry its line
 *   lies in (a service: its project and port; a project: the project). The rest (a reservation's
 *   finding) stays unplaced.
 */
import type { Finding, Severity } from '../findings.js';
import type { JsonDocument } from '../registry/json-document.js';
import type { Protocol } from '../protocol.js';
import { portIndexOf } from '../registry/port-index.js';
import { DEFAULT_PROJECT_SPACE, rangeSize, serviceProtocols, type PortRange, type Registry } from '../registry/types.js';
import { isHostPort } from '../scan/facts.js';
import type { PortFact, ScannedFile } from '../scan/scan.js';

export const MAP_MODEL_VERSION = 1;

export interface MapInput {
  registry: Registry;
  /** The inventory's ports, with paths named as the findings name them. */
  ports: readonly PortFact[];
  files: readonly Pick<ScannedFile, 'path' | 'project'>[];
  /** The lint findings (after suppressions and baseline), as `portreg lint` reports them. */
  findings: readonly Finding[];
  /** The registry's text, named as the findings name it: its findings are placed on the entry at their line. */
  registryFile?: { path: string; doc: Pick<JsonDocument, 'locationAt'> };
}

export interface MapService {
  name: string;
  port: number;
  protocols: Protocol[];
  purpose: string;
  env: string | null;
}

/** One place a port is written: `file:line:column`. */
export interface MapPlace {
  file: string;
  line: number;
  column: number;
}

/** A port (or a published range) a project uses. */
export interface MapMark {
  port: number;
  /** The last port of a published range (`8000-8010`); equal to `port` for one port. */
  to: number;
  /** The registered services on it, else the names the files give it (compose service, variable). */
  services: string[];
  /** The registry holds it for one of the project's services. */
  registered: boolean;
  /** Where the project's files publish it. */
  places: MapPlace[];
  /** Inside the project's range. */
  inRange: boolean;
  /** A finding is about it (at one of its places, or naming the port in the project). */
  flagged: boolean;
}

export interface MapSlots {
  width: number;
  /** How many slots the range holds: slot k is range.from + k*width ... + width - 1. */
  count: number;
}

export interface MapProject {
  name: string;
  range: PortRange;
  path: string | null;
  description: string | null;
  services: MapService[];
  marks: MapMark[];
  /** Only when the project declares `slots` (issue 15); null otherwise. */
  slots: MapSlots | null;
  /** Indexes into the model's `findings`. */
  findings: number[];
  /** Ports of the range no service of the project is registered on. */
  unregistered: number;
  /** The range lies (partly) outside the project space. */
  outsideSpace: boolean;
}

export interface MapReservation {
  range: PortRange;
  reason: string;
  /** error: reserved, never used; warning: to avoid (the allocator skips it). */
  severity: Severity;
  owner: string | null;
  protocol: Protocol | null;
  /** Its index in the registry's `reserved`. */
  index: number;
}

export interface MapFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  project: string | null;
  port: number | null;
}

export interface MapModel {
  version: typeof MAP_MODEL_VERSION;
  space: PortRange;
  extent: PortRange;
  projects: MapProject[];
  reservations: MapReservation[];
  free: PortRange[];
  /** Host ports published by files of no project. */
  unowned: MapMark[];
  findings: MapFinding[];
  totals: { projects: number; services: number; freePorts: number; freeBlocks: number; errors: number; warnings: number };
}

const placeKey = (file: string, line: number, column: number) => `${file}\u0000${line}\u0000${column}`;

/** The map of a registry and its tree. */
export function buildMapModel(input: MapInput): MapModel {
  const { registry } = input;
  const space = registry.projectSpace ?? DEFAULT_PROJECT_SPACE;
  const index = portIndexOf(registry);

  const factAt = new Map<string, PortFact>();
  for (const p of input.ports) if (!factAt.has(placeKey(p.file, p.line, p.column))) factAt.set(placeKey(p.file, p.line, p.column), p);
  const projectOfFile = new Map(input.files.map((f) => [f.path, f.project]));

  const inRegistry = registryEntries(input);
  const findings: MapFinding[] = input.findings.map((f) => {
    const fact = factAt.get(placeKey(f.file, f.line, f.column));
    const entry = fact ? undefined : inRegistry(f);
    const project = fact?.project ?? entry?.project ?? projectOfFile.get(f.file) ?? null;
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.file,
      line: f.line,
      column: f.column,
      project: project !== null && Object.hasOwn(registry.projects, project) ? project : null,
      port: fact?.published ?? entry?.port ?? null,
    };
  });
  const flaggedPlaces = new Set(input.findings.map((f) => placeKey(f.file, f.line, f.column)));

  // Marks, by project (null: files of no project) and port.
  const marks = new Map<string | null, Map<number, MapMark>>();
  const markOf = (project: string | null, port: number, to: number): MapMark => {
    let byPort = marks.get(project);
    if (!byPort) marks.set(project, (byPort = new Map()));
    let mark = byPort.get(port);
    if (!mark) byPort.set(port, (mark = { port, to, services: [], registered: false, places: [], inRange: false, flagged: false }));
    mark.to = Math.max(mark.to, to);
    return mark;
  };
  for (const h of index.holdings()) {
    const mark = markOf(h.project, h.port, h.port);
    mark.registered = true;
    mark.services.push(h.service);
  }
  for (const p of input.ports) {
    if (!isHostPort(p)) continue;
    const project = p.project !== null && Object.hasOwn(registry.projects, p.project) ? p.project : null;
    const mark = markOf(project, p.published!, p.publishedEnd ?? p.published!);
    mark.places.push({ file: p.file, line: p.line, column: p.column });
    if (!mark.registered) {
      const name = p.service ?? p.composeService ?? p.variable;
      if (name !== null && !mark.services.includes(name)) mark.services.push(name);
    }
    if (flaggedPlaces.has(placeKey(p.file, p.line, p.column))) mark.flagged = true;
  }
  for (const f of findings) {
    if (f.port === null) continue;
    const mark = marks.get(f.project)?.get(f.port);
    if (mark) mark.flagged = true;
  }
  const sortedMarks = (project: string | null) =>
    [...(marks.get(project)?.values() ?? [])]
      .map((m) => ({ ...m, places: [...m.places].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column) }))
      .sort((a, b) => a.port - b.port);

  const findingsOf = new Map<string, number[]>();
  findings.forEach((f, i) => {
    if (f.project === null) return;
    const list = findingsOf.get(f.project);
    if (list) list.push(i);
    else findingsOf.set(f.project, [i]);
  });

  const projects: MapProject[] = Object.entries(registry.projects)
    .map(([name, p]): MapProject => {
      const services = Object.entries(p.services ?? {})
        .map(([service, s]) => ({ name: service, port: s.port, protocols: serviceProtocols(s.protocol), purpose: s.purpose, env: s.env ?? null }))
        .sort((a, b) => a.port - b.port || a.name.localeCompare(b.name));
      const projectMarks = sortedMarks(name).map((m) => ({ ...m, inRange: m.port >= p.range.from && m.to <= p.range.to }));
      const registeredInRange = new Set(services.filter((s) => s.port >= p.range.from && s.port <= p.range.to).map((s) => s.port));
      return {
        name,
        range: { from: p.range.from, to: p.range.to },
        path: p.path ?? null,
        description: p.description ?? null,
        services,
        marks: projectMarks,
        slots: slotsOf(p, p.range),
        findings: findingsOf.get(name) ?? [],
        unregistered: rangeSize(p.range) - registeredInRange.size,
        outsideSpace: p.range.from < space.from || p.range.to > space.to,
      };
    })
    .sort((a, b) => a.range.from - b.range.from || a.name.localeCompare(b.name));

  const reservations: MapReservation[] = (registry.reserved ?? []).flatMap((r, i) => {
    const range = r.range ? { from: r.range.from, to: r.range.to } : { from: r.port!, to: r.port! };
    // A range that runs backwards covers nothing (registry check reports it).
    if (range.from > range.to) return [];
    return [{ range, reason: r.reason, severity: r.severity ?? 'error', owner: r.owner ?? null, protocol: r.protocol ?? null, index: i }];
  });

  // Free: the space minus the project ranges and what keeps every project out.
  const taken = [...projects.map((p) => p.range), ...index.reservedInRange(space, null).map((r) => r.range)];
  const free = subtractRanges(space, taken);

  const unowned = sortedMarks(null);
  const extent = { from: space.from, to: space.to };
  const widen = (from: number, to: number) => {
    extent.from = Math.min(extent.from, from);
    extent.to = Math.max(extent.to, to);
  };
  for (const p of projects) {
    widen(p.range.from, p.range.to);
    for (const m of p.marks) widen(m.port, m.to);
  }
  for (const m of unowned) widen(m.port, m.to);

  return {
    version: MAP_MODEL_VERSION,
    space: { from: space.from, to: space.to },
    extent,
    projects,
    reservations,
    free,
    unowned,
    findings,
    totals: {
      projects: projects.length,
      services: projects.reduce((n, p) => n + p.services.length, 0),
      freePorts: free.reduce((n, r) => n + rangeSize(r), 0),
      freeBlocks: free.length,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
    },
  };
}

/**
 * The registry entry a finding in the registry file lies in: the innermost of the projects' and
 * services' entries whose lines hold its line. The entries' places are looked up only when a
 * finding is in the registry file.
 */
function registryEntries(input: MapInput): (f: Finding) => { project: string; port: number | null } | undefined {
  const file = input.registryFile;
  if (!file) return () => undefined;
  let entries: { project: string; port: number | null; line: number; endLine: number }[] | undefined;
  return (f) => {
    if (f.file !== file.path) return undefined;
    entries ??= Object.entries(input.registry.projects).flatMap(([project, p]) => [
      { project, port: null, ...lines(file.doc.locationAt(['projects', project])) },
      ...Object.entries(p.services ?? {}).map(([service, s]) => ({
        project,
        port: s.port,
        ...lines(file.doc.locationAt(['projects', project, 'services', service])),
      })),
    ]);
    let best: (typeof entries)[number] | undefined;
    for (const e of entries) {
      if (f.line < e.line || f.line > e.endLine) continue;
      if (!best || e.endLine - e.line < best.endLine - best.line) best = e;
    }
    return best && { project: best.project, port: best.port };
  };
}

const lines = (l: { line: number; endLine: number }) => ({ line: l.line, endLine: l.endLine });

/** `slots: { width }` of a project (issue 15), when the registry has it and it is a positive whole number. */
function slotsOf(project: object, range: PortRange): MapSlots | null {
  const slots = (project as { slots?: { width?: unknown } }).slots;
  const width = slots?.width;
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 1) return null;
  return { width, count: Math.floor(rangeSize(range) / width) };
}

/** `whole` minus every range of `taken`, as ordered, disjoint ranges. */
export function subtractRanges(whole: PortRange, taken: readonly PortRange[]): PortRange[] {
  const cuts = taken
    .filter((r) => r.from <= whole.to && r.to >= whole.from)
    .map((r) => ({ from: Math.max(r.from, whole.from), to: Math.min(r.to, whole.to) }))
    .sort((a, b) => a.from - b.from);
  const out: PortRange[] = [];
  let next = whole.from;
  for (const c of cuts) {
    if (c.from > next) out.push({ from: next, to: c.from - 1 });
    next = Math.max(next, c.to + 1);
  }
  if (next <= whole.to) out.push({ from: next, to: whole.to });
  return out;
}
