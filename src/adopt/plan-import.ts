/**
 * Adoption: from a scan made without a registry and a fresh registry, the registry that takes
 * the tree as it is (`portreg init --import`). Pure: no IO, no clock of its own.
 *
 * Projects are folders: a folder that holds a compose file, or a README together with an env
 * template (`.env.example`, ...), is a project, named after the folder; a file belongs to the
 * deepest project folder at or above it. Files in no project folder are not imported.
 *
 * A project's services are its host ports as the linter sees them (scan/facts isHostPort): each
 * port a compose service publishes (one service per compose service; a compose service that
 * publishes several ports gets one entry per container port), and each port variable of its env
 * templates that no compose port explains (named after the variable: API_PORT is "api"). An env
 * variable that interpolates a compose port (`${WEB_PORT:-3000}`), or an env template value
 * equal to one compose port of the project, becomes that service's `env`. Then each port a
 * package.json script binds ("web", "web-2", ...) or a dev container forwards ("devcontainer")
 * that none of those explains.
 *
 * Ranges: a project whose ports all sit in one aligned block of the project space (blocks of
 * `rangeSize`, 5000-5099, 5100-5199, ...) gets that block and keeps its ports, when the block is
 * allowed (no reservation of severity error overlaps it), free (no other project's ports are in
 * it) and every port in it is usable (not reserved, not to avoid, not given twice). Every other
 * project gets the next block that is allowed and holds no port the tree publishes now, and each
 * service a new port there: the same offset in the block as its old port had in its own block
 * (5432 is 5x32), or, when that port is taken or to avoid, the next usable one after it. The old
 * port goes into the service's `history`, which is what `portreg lint --fix` reads to move the
 * configs (port-mismatch, env-drift, docs-stale, reference-stale) and what keeps it in
 * quarantine meanwhile.
 */
import path from 'node:path';
import { refusal } from '../errors.js';
import { isEnvTemplate } from '../scan/discover.js';
import type { PortFact, ScanResult } from '../scan/scan.js';
import { isHostPort } from '../scan/facts.js';
import { addProject, allocatePort } from '../registry/allocator.js';
import { checkRegistrySemantics } from '../registry/checks.js';
import { JsonDocument } from '../registry/json-document.js';
import { portIndexOf } from '../registry/port-index.js';
import { serializeRegistry } from '../registry/serialize.js';
import {
  DEFAULT_PROJECT_SPACE,
  DEFAULT_RANGE_SIZE,
  formatRange,
  inRange,
  rangesOverlap,
  serviceProtocols,
  type PortRange,
  type Registry,
} from '../registry/types.js';
import { PROTOCOLS, protocolOf, type Protocol } from '../protocol.js';

export interface ImportedService {
  service: string;
  composeService?: string;
  env?: string;
  containerPort?: number;
  protocol?: Protocol | Protocol[];
  /** The port the configs use now. */
  old: number;
  /** The port registered. Equal to `old` when it stays. */
  new: number;
  /** Where the port was found first (root-relative). */
  file: string;
  line: number;
  column: number;
}

export interface ImportedProject {
  project: string;
  /** The folder, relative to the scanned root ('.' for the root itself). */
  path: string;
  range: PortRange;
  /** True when the range is the block the project's ports already sit in: nothing moves. */
  kept: boolean;
  services: ImportedService[];
}

export interface ImportResult {
  registry: Registry;
  projects: ImportedProject[];
  /** Ports found but not imported, with the reason (file:line:column first). */
  notes: string[];
}

export interface ImportContext {
  now: Date;
  /** The scanned root's folder name: the name of a project at the root. */
  rootName: string;
}

const NAME_OK = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A project or service name the schema accepts. */
export function registryName(raw: string, fallback: string): string {
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
  return NAME_OK.test(cleaned) ? cleaned : fallback;
}

function folderOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
}

/** Project folders: a compose file, or a README beside an env template. */
export function projectFolders(scan: ScanResult): string[] {
  const byFolder = new Map<string, { compose: boolean; readme: boolean; env: boolean }>();
  for (const f of scan.files) {
    const folder = folderOf(f.path);
    const seen = byFolder.get(folder) ?? { compose: false, readme: false, env: false };
    const base = path.posix.basename(f.path);
    if (f.kind === 'compose') seen.compose = true;
    else if (f.kind === 'markdown' && /^README/i.test(base)) seen.readme = true;
    else if (f.kind === 'env' && isEnvTemplate(f.path)) seen.env = true;
    byFolder.set(folder, seen);
  }
  return [...byFolder]
    .filter(([, s]) => s.compose || (s.readme && s.env))
    .map(([folder]) => folder)
    .sort();
}

/** The deepest project folder at or above a file's folder. */
function ownerFolder(file: string, folders: ReadonlySet<string>): string | null {
  for (let f = folderOf(file); ; ) {
    if (folders.has(f)) return f;
    if (f === '.') return null;
    f = folderOf(f);
  }
}

interface Draft {
  project: string;
  folder: string;
  services: Omit<ImportedService, 'new'>[];
}

const where = (p: PortFact) => `${p.file}:${p.line}:${p.column}`;

/** The services of one project from its host-port facts. */
function draftServices(facts: PortFact[], notes: string[]): Omit<ImportedService, 'new'>[] {
  const services: Omit<ImportedService, 'new'>[] = [];
  const names = new Set<string>();
  const uniqueName = (base: string) => {
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    return name;
  };
  const usable = (p: PortFact): boolean => {
    if (p.publishedEnd !== null) {
      notes.push(`${where(p)}: the range ${p.published}-${p.publishedEnd} is not imported: register its ports by hand`);
      return false;
    }
    return true;
  };

  // Compose ports, one entry per compose service and mapping (a second compose file publishing
  // the same mapping, as an override does, is the same entry). One mapping published for tcp and
  // udp ("53:53/tcp" and "53:53/udp") is one service holding both protocols, as the registry
  // writes it, so the scanner attributes both entries to it and `lint --fix` moves both.
  const compose = facts.filter((p) => p.source === 'compose');
  const byComposeService = new Map<string, { fact: PortFact; protocols: Set<Protocol> }[]>();
  for (const p of compose) {
    if (!usable(p)) continue;
    const key = p.composeService ?? '';
    const list = byComposeService.get(key) ?? [];
    const mapping = list.find((m) => m.fact.target === p.target && m.fact.published === p.published);
    if (mapping) mapping.protocols.add(protocolOf(p.protocol));
    else list.push({ fact: p, protocols: new Set([protocolOf(p.protocol)]) });
    byComposeService.set(key, list);
  }
  for (const [composeService, list] of byComposeService) {
    const base = registryName(composeService, 'service');
    list.forEach(({ fact: p, protocols }, i) => {
      const service = uniqueName(i === 0 ? base : `${base}-${p.target ?? p.published}`);
      const held = PROTOCOLS.filter((x) => protocols.has(x));
      services.push({
        service,
        ...(service !== composeService && composeService ? { composeService } : {}),
        ...(p.variable ? { env: p.variable } : {}),
        // Several ports of one compose service are told apart by container port.
        ...(list.length > 1 && p.target !== null ? { containerPort: p.target } : {}),
        ...(held.length > 1 ? { protocol: held } : held[0] !== 'tcp' ? { protocol: held[0]! } : {}),
        old: p.published!,
        file: p.file,
        line: p.line,
        column: p.column,
      });
    });
  }

  // Env template values: the last value of a variable wins, as in dotenv.
  const envValues = new Map<string, PortFact>();
  for (const p of facts) if (p.source === 'env' && p.variable && usable(p)) envValues.set(p.variable, p);
  for (const [variable, p] of envValues) {
    if (services.some((s) => s.env === variable)) continue;
    const samePort = services.filter((s) => s.old === p.published);
    if (samePort.length === 1 && samePort[0]!.env === undefined) {
      samePort[0]!.env = variable;
      continue;
    }
    const base = registryName(variable.replace(/_?PORTS?$/i, '').toLowerCase(), 'app');
    services.push({ service: uniqueName(base), env: variable, old: p.published!, file: p.file, line: p.line, column: p.column });
  }

  // Ports package.json scripts bind ("web") and dev containers forward ("devcontainer") that no
  // compose port or env value above explains; package.json first, the dev container often forwards its port.
  const devConfigs = [...facts.filter((p) => p.source === 'package-json'), ...facts.filter((p) => p.source === 'devcontainer')];
  for (const p of devConfigs) {
    if (!usable(p) || services.some((s) => s.old === p.published)) continue;
    const service = uniqueName(p.source === 'package-json' ? 'web' : 'devcontainer');
    services.push({ service, old: p.published!, file: p.file, line: p.line, column: p.column });
  }
  return services;
}

/** Usable for a project's service: inside the range, not reserved or to avoid, not given, not in quarantine. */
function isUsable(registry: Registry, project: string, port: number, protocols: Protocol[], now: Date): boolean {
  // Not even a port to avoid: the allocator would take one only because it was asked for.
  if (portIndexOf(registry).reservationsFor(port, project, protocols).length > 0) return false;
  try {
    // The allocator's own checks (taken, quarantine), without writing anything.
    allocatePort(registry, { project, service: '\u0000probe', purpose: 'probe', port, protocol: protocols }, { now });
    return true;
  } catch {
    return false;
  }
}

/** Does an error reservation overlap the block? Such a block is never a project's range. */
function blockReserved(registry: Registry, block: PortRange, project: string): boolean {
  return portIndexOf(registry).reservedInRange(block, project).length > 0;
}

export function planImport(scan: ScanResult, fresh: Registry, context: ImportContext): ImportResult {
  const notes: string[] = [];
  const folders = projectFolders(scan);
  const folderSet = new Set(folders);

  // Names: the folder's name; a second folder with the same name is named by its path.
  const taken = new Set<string>();
  const drafts: Draft[] = [];
  const factsOf = new Map<string, PortFact[]>();
  for (const p of scan.ports) {
    if (!isHostPort(p)) continue;
    if (p.source === 'env' && !isEnvTemplate(p.file)) continue;
    const folder = ownerFolder(p.file, folderSet);
    if (folder === null) {
      notes.push(`${where(p)}: port ${p.published} is in no project folder (one with a compose file, or a README and an env template): not imported`);
      continue;
    }
    factsOf.set(folder, [...(factsOf.get(folder) ?? []), p]);
  }
  for (const p of scan.ports) {
    if (p.source !== 'markdown' && p.published === null && !p.resolved && p.kind === 'published') {
      notes.push(`${where(p)}: ${p.text} has no value and no default: not imported`);
    }
  }
  for (const folder of folders) {
    const base = registryName(folder === '.' ? context.rootName : path.posix.basename(folder), 'project');
    let name = taken.has(base) ? registryName(folder.replace(/\//g, '-'), 'project') : base;
    for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
    taken.add(name);
    drafts.push({ project: name, folder, services: draftServices(factsOf.get(folder) ?? [], notes) });
  }

  let registry = structuredClone(fresh);
  const size = registry.rangeSize ?? DEFAULT_RANGE_SIZE;
  const space = registry.projectSpace ?? DEFAULT_PROJECT_SPACE;
  const blockOf = (port: number): PortRange | null => {
    if (port < space.from || port > space.to) return null;
    const from = space.from + Math.floor((port - space.from) / size) * size;
    return from + size - 1 <= space.to ? { from, to: from + size - 1 } : null;
  };
  // Every host port the tree publishes now: a new block holds none of them.
  const inUse = new Map<number, Set<string>>();
  for (const d of drafts) for (const s of d.services) inUse.set(s.old, new Set([...(inUse.get(s.old) ?? []), d.project]));
  const othersIn = (block: PortRange, project: string) => [...inUse].some(([port, owners]) => inRange(port, block) && [...owners].some((o) => o !== project));

  const results = new Map<string, ImportedProject>();
  const register = (d: Draft, range: PortRange) => {
    registry = addProject(registry, { name: d.project, range, path: d.folder }).registry;
  };
  const allocate = (d: Draft, s: Omit<ImportedService, 'new'>, port: number) => {
    registry = allocatePort(
      registry,
      {
        project: d.project,
        service: s.service,
        purpose: `imported: ${s.composeService ?? s.service} in ${s.file}`,
        port,
        ...(s.env ? { env: s.env } : {}),
        ...(s.protocol ? { protocol: s.protocol } : {}),
        ...(s.containerPort !== undefined ? { containerPort: s.containerPort } : {}),
        ...(s.composeService ? { composeService: s.composeService } : {}),
      },
      { now: context.now },
    ).registry;
  };

  // First the projects that already sit in a block: they keep it, and their ports.
  const moving: Draft[] = [];
  for (const d of drafts) {
    const blocks = d.services.map((s) => blockOf(s.old));
    const block = blocks[0];
    const fits =
      d.services.length > 0 &&
      block !== null &&
      block !== undefined &&
      blocks.every((b) => b !== null && b.from === block.from) &&
      new Set(d.services.map((s) => `${s.old}/${s.protocol ?? 'tcp'}`)).size === d.services.length &&
      !blockReserved(registry, block, d.project) &&
      !Object.values(registry.projects).some((p) => rangesOverlap(p.range, block)) &&
      !othersIn(block, d.project);
    if (!fits) {
      moving.push(d);
      continue;
    }
    const trial = structuredClone(registry);
    registry = addProject(registry, { name: d.project, range: block, path: d.folder }).registry;
    if (!d.services.every((s) => isUsable(registry, d.project, s.old, serviceProtocols(s.protocol), context.now))) {
      registry = trial;
      moving.push(d);
      continue;
    }
    for (const s of d.services) allocate(d, s, s.old);
    results.set(d.project, { project: d.project, path: d.folder, range: block, kept: true, services: d.services.map((s) => ({ ...s, new: s.old })) });
  }

  // Then the others, each in the next free block, keeping offsets where it can.
  for (const d of moving) {
    let placed: { range: PortRange; ports: number[] } | null = null;
    for (let from = space.from; !placed && from + size - 1 <= space.to; from += size) {
      const block = { from, to: from + size - 1 };
      if (blockReserved(registry, block, d.project) || Object.values(registry.projects).some((p) => rangesOverlap(p.range, block))) continue;
      if ([...inUse.keys()].some((port) => inRange(port, block))) continue;
      const trial = addProject(registry, { name: d.project, range: block, path: d.folder }).registry;
      const ports = choosePorts(trial, d, block, context.now);
      if (ports) placed = { range: block, ports };
    }
    if (!placed) {
      // A tree with more projects than the space has free blocks (277 blocks of 100 in 5000-32767): refused whole.
      throw refusal(
        'space-full',
        `no free block of ${size} ports is left in the project space ${formatRange(space)} for project "${d.project}" (${results.size} of ${drafts.length} projects placed); nothing was written`,
      );
    }
    register(d, placed.range);
    d.services.forEach((s, i) => {
      allocate(d, s, placed!.ports[i]!);
    });
    results.set(d.project, {
      project: d.project,
      path: d.folder,
      range: placed.range,
      kept: false,
      services: d.services.map((s, i) => ({ ...s, new: placed!.ports[i]! })),
    });
  }

  // The ports left behind, beside the new ones: what lint --fix moves the configs from.
  const until = context.now.toISOString();
  // A copy to edit in place: the registries above are indexed (portIndexOf) and stay as they are.
  registry = structuredClone(registry);
  for (const r of results.values()) {
    for (const s of r.services) {
      if (s.old === s.new) continue;
      registry.projects[r.project]!.services![s.service]!.history = [
        { port: s.old, until, reason: 'init --import: the configs still use it; "portreg lint --fix" moves them' },
      ];
    }
  }
  const problems = checkRegistrySemantics(registry, {
    file: 'ports.registry.json',
    doc: new JsonDocument(serializeRegistry(registry)),
    now: context.now,
  }).filter((f) => f.severity === 'error');
  if (problems.length > 0) throw new Error(`the imported registry does not pass its checks: ${problems.map((p) => p.message).join('; ')}`);
  return { registry, projects: drafts.map((d) => results.get(d.project)!), notes: [...new Set(notes)] };
}

/** New ports for a project's services in a block: the old offset, or the next usable port after it. */
function choosePorts(registry: Registry, d: Draft, block: PortRange, now: Date): number[] | null {
  const size = block.to - block.from + 1;
  const chosen: number[] = [];
  const given = new Set<string>();
  for (const s of d.services) {
    const protocols = serviceProtocols(s.protocol);
    const offset = (((s.old - block.from) % size) + size) % size;
    let port: number | undefined;
    for (let i = 0; i < size && port === undefined; i++) {
      const candidate = block.from + ((offset + i) % size);
      if (protocols.some((p) => given.has(`${candidate}/${p}`))) continue;
      if (isUsable(registry, d.project, candidate, protocols, now)) port = candidate;
    }
    if (port === undefined) return null;
    for (const p of protocols) given.add(`${port}/${p}`);
    chosen.push(port);
  }
  return chosen;
}
