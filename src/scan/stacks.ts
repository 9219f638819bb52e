/**
 * Stacks: the compose files Compose merges into one model. In each folder the base file
 * (compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml: the first there) and its
 * override (compose.override.yml, ...) are one stack, with the files they include; any other
 * compose file (compose.prod.yaml) is a stack of its own, never merged with its siblings.
 *
 * The merge follows Compose: an override's `ports` are appended to the base's, unless tagged
 * `!override` (replace) or `!reset` (clear); a service that `extends` another inherits its ports.
 */
import path from 'node:path';
import type { ComposeParseResult } from '../parse/compose.js';
import type { RawPortFact } from '../parse/types.js';

export const BASE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const OVERRIDE_FILE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** How one file changed a service's ports in the merge. */
export interface MergeStep {
  file: string;
  mode: 'base' | 'append' | 'override' | 'reset' | 'extends';
  /** How many ports this step brought. */
  count: number;
}

export interface StackService {
  name: string;
  /** Indices into the scan's `ports` of the ports the merged service publishes. */
  ports: number[];
  steps: MergeStep[];
}

export interface Stack {
  /** The base file's path (or the lone file's). */
  id: string;
  project: string | null;
  /** In merge order: base, override, included files. */
  files: string[];
  services: StackService[];
}

/** A port in a draft stack: the parser's fact itself, turned into an index at the end. */
export interface PortRef {
  file: string;
  fact: RawPortFact;
}

export interface StackDraft extends Omit<Stack, 'services'> {
  services: { name: string; ports: PortRef[]; steps: MergeStep[] }[];
}

interface ComposeInput {
  path: string;
  compose: ComposeParseResult;
}

export function buildStacks(files: ComposeInput[], projectOf: (file: string) => string | null): StackDraft[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const byFolder = new Map<string, ComposeInput[]>();
  for (const f of files) {
    const folder = path.posix.dirname(f.path);
    const inFolder = byFolder.get(folder);
    if (inFolder) inFolder.push(f);
    else byFolder.set(folder, [f]);
  }
  const claimed = new Set<string>();
  const stacks: StackDraft[] = [];

  // Files another compose file includes belong to the includer's stack. A file reached only
  // through `extends` (a library of service definitions, not a compose file by name) belongs
  // to the extender's stack too, but runs no services of its own.
  const includedBy = new Map<string, string>();
  const libraries = new Set<string>();
  for (const f of files) {
    for (const ref of f.compose.references) {
      if ((ref.kind !== 'include' && ref.kind !== 'extends') || ref.remote) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f.path), ref.path));
      if (!byPath.has(target) || includedBy.has(target)) continue;
      if (ref.kind === 'extends') {
        if (isComposeFileName(target)) continue;
        libraries.add(target);
      }
      includedBy.set(target, f.path);
    }
  }

  const addStack = (members: ComposeInput[]) => {
    const included: ComposeInput[] = [];
    const queue = [...members];
    while (queue.length) {
      const m = queue.shift()!;
      for (const [target, by] of includedBy) {
        if (by === m.path && !claimed.has(target) && !members.includes(byPath.get(target)!)) {
          claimed.add(target);
          included.push(byPath.get(target)!);
          queue.push(byPath.get(target)!);
        }
      }
    }
    for (const m of members) claimed.add(m.path);
    const merged = mergeStack([...members, ...included.filter((i) => !libraries.has(i.path))], members.length, projectOf, byPath);
    for (const i of included) if (libraries.has(i.path)) merged.files.push(i.path);
    stacks.push(merged);
  };

  for (const [, inFolder] of [...byFolder].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const names = new Map(inFolder.map((f) => [path.posix.basename(f.path), f]));
    const base = BASE_FILE_NAMES.map((n) => names.get(n)).find(Boolean);
    const override = OVERRIDE_FILE_NAMES.map((n) => names.get(n)).find(Boolean);
    const members = [base, override].filter((f): f is ComposeInput => Boolean(f) && !includedBy.has(f!.path));
    if (members.length > 0) addStack(members);
  }
  for (const f of files) {
    if (!claimed.has(f.path) && !includedBy.has(f.path)) addStack([f]);
  }
  // An include cycle or an include of a file claimed elsewhere: still a stack of its own.
  for (const f of files) if (!claimed.has(f.path)) addStack([f]);
  return stacks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The merged services of a stack: the first `mergedCount` files merge, the rest are included. */
function mergeStack(members: ComposeInput[], mergedCount: number, projectOf: (file: string) => string | null, byPath: Map<string, ComposeInput>): StackDraft {
  const services = new Map<string, { name: string; ports: PortRef[]; steps: MergeStep[] }>();
  const refsOf = (file: string, name: string): PortRef[] => {
    const svc = serviceOf(byPath.get(file), name);
    return svc ? svc.ports.map((fact) => ({ file, fact })) : [];
  };
  members.forEach((member, index) => {
    for (const svc of member.compose.services) {
      const own = refsOf(member.path, svc.name);
      const current = services.get(svc.name);
      const chain = svc.extends ? extendsChain(member.path, svc.name, svc.extends, byPath) : [];
      if (!current || index >= mergedCount) {
        const inherited = chain.flatMap((level) => refsOf(level.file, level.service));
        const steps: MergeStep[] = chain.map((level) => ({ file: level.file, mode: 'extends', count: refsOf(level.file, level.service).length }));
        steps.push({ file: member.path, mode: 'base', count: own.length });
        services.set(svc.name, { name: svc.name, ports: [...inherited, ...own], steps: steps.filter((st) => st.mode === 'base' || st.count > 0) });
        continue;
      }
      if (svc.portsTag === 'reset') {
        current.ports = [];
        current.steps.push({ file: member.path, mode: 'reset', count: 0 });
      } else if (svc.portsTag === 'override') {
        current.ports = own;
        current.steps.push({ file: member.path, mode: 'override', count: own.length });
      } else if (svc.portsSpan) {
        current.ports = [...current.ports, ...own];
        current.steps.push({ file: member.path, mode: 'append', count: own.length });
      }
    }
  });
  return {
    id: members[0]!.path,
    project: projectOf(members[0]!.path),
    files: members.map((m) => m.path),
    services: [...services.values()],
  };
}

type ComposeService = ComposeParseResult['services'][number];
const servicesByName = new WeakMap<ComposeParseResult, Map<string, ComposeService>>();

/** A file's service by name, from a map built once per file: a search per service was quadratic in a file of thousands. */
function serviceOf(input: ComposeInput | undefined, name: string): ComposeService | undefined {
  if (!input) return undefined;
  let byName = servicesByName.get(input.compose);
  if (!byName) {
    byName = new Map();
    // The first of two equal names, as the search found it.
    for (const s of input.compose.services) if (!byName.has(s.name)) byName.set(s.name, s);
    servicesByName.set(input.compose, byName);
  }
  return byName.get(name);
}

function isComposeFileName(file: string): boolean {
  return /^(?:docker-)?compose(?:\..+)?\.ya?ml$/i.test(path.posix.basename(file));
}

/** The longest `extends` chain Compose would follow here; deeper (or circular) chains stop. */
const MAX_EXTENDS_DEPTH = 32;

/**
 * The services a service extends, farthest first: `grandchild extends child extends base` gives
 * [base, child], as Compose resolves the whole chain. Each level's `file` is relative to the file
 * that names it. A level in a file the scan does not have, or one met before (a cycle), ends the chain.
 */
function extendsChain(
  file: string,
  service: string,
  ext: { file: string | null; service: string },
  byPath: Map<string, ComposeInput>,
): { file: string; service: string }[] {
  const chain: { file: string; service: string }[] = [];
  // Compose refuses a circular chain; the scan keeps the levels before the circle closes.
  const seen = new Set<string>([`${file}\u0000${service}`]);
  let from = file;
  let next: { file: string | null; service: string } | null | undefined = ext;
  while (next && chain.length < MAX_EXTENDS_DEPTH) {
    const target: string = next.file ? path.posix.normalize(path.posix.join(path.posix.dirname(from), next.file)) : from;
    const key = `${target}\u0000${next.service}`;
    const wanted: string = next.service;
    const svc: ComposeService | undefined = serviceOf(byPath.get(target), wanted);
    if (!svc || seen.has(key)) break;
    seen.add(key);
    chain.unshift({ file: target, service: next.service });
    from = target;
    next = svc.extends;
  }
  return chain;
}

export function finishStack(draft: StackDraft, indexOf: (ref: PortRef) => number): Stack {
  return {
    ...draft,
    services: draft.services.map((s) => ({ name: s.name, ports: s.ports.map(indexOf).filter((i) => i >= 0), steps: s.steps })),
  };
}
