/** The registry file's shape, format version 1 (schemas/ports.registry.schema.json is the contract). */
import type { Protocol } from '../protocol.js';

export interface PortRange {
  from: number;
  to: number;
}

export interface Reservation {
  port?: number;
  range?: PortRange;
  reason: string;
  /** error: never to be used; warning: to be avoided (skipped by the allocator). Default error. */
  severity?: 'error' | 'warning';
  /** Who may use it (the supervisor infrastructure for 8000-8099). */
  owner?: string;
  /** Absent: every protocol. */
  protocol?: Protocol;
}

export interface HistoryEntry {
  port: number;
  /** When the service stopped using the port (ISO date). */
  until: string;
  reason?: string;
}

export interface Service {
  port: number;
  purpose: string;
  env?: string;
  protocol?: Protocol | Protocol[];
  composeService?: string;
  containerPort?: number;
  /** With slots: one instance every checkout uses (a database); it keeps this port in every slot. */
  shared?: boolean;
  history?: HistoryEntry[];
}

export interface Project {
  range: PortRange;
  path?: string;
  description?: string;
  /** Parallel checkouts on one machine: slot k adds k * width to each service's port (registry/slots.ts). */
  slots?: SlotSettings;
  services?: Record<string, Service>;
}

export interface SlotSettings {
  width: number;
}

export interface ReleasedService {
  project: string;
  service: string;
  port: number;
  protocol?: Protocol | Protocol[];
  env?: string;
  releasedAt: string;
}

export interface Registry {
  $schema?: string;
  version: number;
  rangeSize?: number;
  projectSpace?: PortRange;
  quarantineDays?: number;
  reserved?: Reservation[];
  projects: Record<string, Project>;
  released?: ReleasedService[];
}

export const CURRENT_REGISTRY_VERSION = 1;
export const DEFAULT_RANGE_SIZE = 100;
export const DEFAULT_PROJECT_SPACE: PortRange = { from: 5000, to: 32767 };
export const DEFAULT_QUARANTINE_DAYS = 30;
export const REGISTRY_FILE_NAME = 'ports.registry.json';

/** The protocols a service holds its port for (default tcp). */
export function serviceProtocols(protocol: Protocol | Protocol[] | undefined): Protocol[] {
  if (protocol === undefined) return ['tcp'];
  return Array.isArray(protocol) ? protocol : [protocol];
}

export function reservationRange(r: Reservation): PortRange {
  if (r.range) return r.range;
  return { from: r.port!, to: r.port! };
}

export function formatRange(r: PortRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

export function rangeSize(r: PortRange): number {
  return r.to - r.from + 1;
}

export function rangesOverlap(a: PortRange, b: PortRange): boolean {
  return a.from <= b.to && b.from <= a.to;
}

export function inRange(port: number, r: PortRange): boolean {
  return port >= r.from && port <= r.to;
}

/**
 * The registry's `projects` and `services` maps, rebuilt without a prototype (in place): looking
 * up a name such as `constructor` or `__proto__` finds nothing unless the registry holds it, and
 * writing one makes an ordinary entry. Loading does this; cloneRegistry keeps it.
 */
export function withNullPrototypeMaps(registry: Registry): Registry {
  // The objects keep their entries and lose their prototype: copying them cost a lint of a few
  // files against a registry of thousands of projects more than the change itself.
  const projects = registry.projects ?? {};
  for (const name of Object.keys(projects)) {
    const services = projects[name]!.services;
    if (services) Object.setPrototypeOf(services, null);
  }
  registry.projects = Object.setPrototypeOf(projects, null) as Record<string, Project>;
  return registry;
}

/** A deep copy, prototype-free like a loaded registry: every registry the code changes is one (allocator, moves, adoption). */
export function cloneRegistry(registry: Registry): Registry {
  return withNullPrototypeMaps(structuredClone(registry));
}
