import type { Registry } from './types.js';

/**
 * Writes the registry in one canonical style, so that one allocation is a
 * one-line git diff: 2-space indentation, keys in schema order, projects by
 * range and services by port, every entry (service, reservation, release,
 * range) on one line whatever its width, trailing newline.
 */

const KEY_ORDER: Record<string, string[]> = {
  root: ['$schema', 'version', 'rangeSize', 'projectSpace', 'quarantineDays', 'reserved', 'projects', 'released'],
  range: ['from', 'to'],
  reservation: ['port', 'range', 'protocol', 'reason', 'severity', 'owner'],
  project: ['range', 'path', 'description', 'slots', 'services'],
  service: ['port', 'purpose', 'env', 'protocol', 'composeService', 'containerPort', 'shared', 'history'],
  history: ['port', 'until', 'reason'],
  released: ['project', 'service', 'port', 'protocol', 'env', 'releasedAt'],
};

type Kind = keyof typeof KEY_ORDER | 'projects' | 'services' | 'list';

interface Shape {
  kind: Kind;
  /**
   * Containers are always expanded, so adding an entry adds a line and changes none;
   * everything else is written on one line, so changing an entry changes one line.
   */
  container: boolean;
}

export function serializeRegistry(registry: Registry): string {
  return write(registry, { kind: 'root', container: true }, '') + '\n';
}

function childShape(parent: Kind, key: string | number): Shape {
  switch (parent) {
    case 'root':
      if (key === 'projectSpace') return { kind: 'range', container: false };
      if (key === 'reserved') return { kind: 'list', container: true };
      if (key === 'projects') return { kind: 'projects', container: true };
      if (key === 'released') return { kind: 'list', container: true };
      break;
    case 'projects':
      return { kind: 'project', container: true };
    case 'project':
      if (key === 'range') return { kind: 'range', container: false };
      if (key === 'services') return { kind: 'services', container: true };
      break;
    case 'services':
      return { kind: 'service', container: false };
    case 'service':
      if (key === 'history') return { kind: 'list', container: false };
      break;
    case 'reservation':
      if (key === 'range') return { kind: 'range', container: false };
      break;
  }
  return { kind: 'list', container: false };
}

function listItemShape(listKey: string | undefined): Shape {
  if (listKey === 'reserved') return { kind: 'reservation', container: false };
  if (listKey === 'history') return { kind: 'history', container: false };
  if (listKey === 'released') return { kind: 'released', container: false };
  return { kind: 'list', container: false };
}

function orderedEntries(value: Record<string, unknown>, kind: Kind): [string, unknown][] {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (kind === 'projects') {
    return entries.sort(([an, a], [bn, b]) => rangeStart(a) - rangeStart(b) || an.localeCompare(bn));
  }
  if (kind === 'services') {
    return entries.sort(([an, a], [bn, b]) => portOf(a) - portOf(b) || an.localeCompare(bn));
  }
  const order = KEY_ORDER[kind];
  if (!order) return entries;
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i === -1 ? order.length : i;
  };
  // Stable sort: unknown keys keep their relative order after the known ones.
  return entries.sort(([a], [b]) => rank(a) - rank(b));
}

function rangeStart(v: unknown): number {
  const from = (v as { range?: { from?: unknown } })?.range?.from;
  return typeof from === 'number' ? from : Number.MAX_SAFE_INTEGER;
}

function portOf(v: unknown): number {
  const port = (v as { port?: unknown })?.port;
  return typeof port === 'number' ? port : Number.MAX_SAFE_INTEGER;
}

function write(value: unknown, shape: Shape, indent: string, listKey?: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const itemShape = listItemShape(listKey);
    const items = value.map((v) => write(v, itemShape, inner));
    if (!shape.container) return `[${items.join(', ')}]`;
    return `[\n${items.map((i) => inner + i).join(',\n')}\n${indent}]`;
  }
  const entries = orderedEntries(value as Record<string, unknown>, shape.kind);
  if (entries.length === 0) return '{}';
  const parts = entries.map(([k, v]) => {
    const child = childShape(shape.kind, k);
    return `${JSON.stringify(k)}: ${write(v, child, inner, k)}`;
  });
  if (!shape.container) return `{ ${parts.join(', ')} }`;
  return `{\n${parts.map((p) => inner + p).join(',\n')}\n${indent}}`;
}
