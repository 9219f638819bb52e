/**
 * Slots: several checkouts of one project (git worktrees, agent sessions) running at once on one
 * machine. A project with `slots: { width: W }` keeps its registered ports as slot 0; slot k adds
 * k * W to each service's port, so the ports of one slot never meet another's, as long as every
 * service lies within the first W ports of the range (registry/checks.ts holds the registry to
 * that). A shared service (a database all checkouts use) keeps its slot-0 port in every slot.
 *
 * The one home of the slot arithmetic: leases, `portreg env`, the MCP tools, the lint rules and
 * `ps` all ask here.
 */
import { refusal } from '../errors.js';
import { rangeSize, serviceProtocols, type PortRange, type Project, type Registry } from './types.js';
import type { Protocol } from '../protocol.js';

export interface SlotPort {
  service: string;
  port: number;
  /** The port in slot 0 (the registered one). */
  basePort: number;
  protocols: Protocol[];
  env: string | null;
  shared: boolean;
  purpose: string;
}

/** How many slots the project's range holds (0 without slots). */
export function slotCount(project: Project): number {
  const width = project.slots?.width;
  if (!width) return 0;
  return Math.floor(rangeSize(project.range) / width);
}

/**
 * The ports a service of the project may be registered on: its whole range, or, with slots,
 * slot 0's block (the first `width` ports), since slot k repeats that block k * width up. The one
 * answer for the allocator, `registry check` and the counts of free ports.
 */
export function registrableRange(project: Project): PortRange {
  const width = project.slots?.width;
  if (!width) return project.range;
  return { from: project.range.from, to: Math.min(project.range.to, project.range.from + width - 1) };
}

/** A service's port in slot `slot` of a project with slots of `width` ports. */
export function portInSlot(basePort: number, slot: number, width: number, shared: boolean): number {
  return shared ? basePort : basePort + slot * width;
}

/** The project, refused when it is unknown or has no slots (a usage a person can fix). */
export function requireSlottedProject(registry: Registry, name: string): Project & { slots: { width: number } } {
  const project = registry.projects[name];
  if (!project) {
    const known = Object.keys(registry.projects).filter((p) => registry.projects[p]!.slots);
    throw refusal('project-unknown', `no project "${name}" in the registry${known.length ? ` (projects with slots: ${known.join(', ')})` : ''}`);
  }
  if (!project.slots) {
    throw refusal(
      'project-no-slots',
      `project "${name}" has no slots: add "slots": { "width": N } to it in the registry (N ports per checkout, every service within the first N ports of its range)`,
    );
  }
  return project as Project & { slots: { width: number } };
}

/** Every service of the project with its port in `slot`, by slot-0 port. */
export function slotPorts(registry: Registry, projectName: string, slot: number): SlotPort[] {
  const project = requireSlottedProject(registry, projectName);
  const count = slotCount(project);
  if (!Number.isInteger(slot) || slot < 0 || slot >= count) {
    throw refusal('slot-invalid', `slot ${slot} is outside project "${projectName}"'s ${count} slots (0-${count - 1})`);
  }
  return Object.entries(project.services ?? {})
    .sort(([, a], [, b]) => a.port - b.port)
    .map(([service, s]) => ({
      service,
      port: portInSlot(s.port, slot, project.slots.width, s.shared === true),
      basePort: s.port,
      protocols: serviceProtocols(s.protocol),
      env: s.env ?? null,
      shared: s.shared === true,
      purpose: s.purpose,
    }));
}

/**
 * Compose's project name for a slot: the project's name for slot 0 (what the main checkout has
 * always used), `<project>-<slot>` otherwise, lower-cased and cut to the characters Compose
 * accepts, so two checkouts never share or replace each other's containers.
 */
export function composeProjectName(projectName: string, slot: number): string {
  const base =
    projectName
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'project';
  return slot === 0 ? base : `${base}-${slot}`;
}

/** Which service and slot of a slotted project a port is (never slot 0: that is the registry's own answer), or null. */
export function slotOfPort(registry: Registry, port: number): { project: string; service: string; slot: number } | null {
  for (const [name, project] of Object.entries(registry.projects)) {
    const width = project.slots?.width;
    if (!width || port < project.range.from || port > project.range.to) continue;
    const slot = Math.floor((port - project.range.from) / width);
    if (slot === 0 || slot >= slotCount(project)) continue;
    for (const [service, s] of Object.entries(project.services ?? {})) {
      if (!s.shared && s.port + slot * width === port) return { project: name, service, slot };
    }
  }
  return null;
}
