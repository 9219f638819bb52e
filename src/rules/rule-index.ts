/**
 * What the rules look up, built once per lint run: a view over the registry's port index
 * (owners, reservations, previous owners; registry/port-index.ts) and the registry document,
 * for pointing at the entries a finding is about.
 */
import type { Location } from '../findings.js';
import { protocolOf, type Protocol } from '../protocol.js';
import type { JsonDocument, JsonPath } from '../registry/json-document.js';
import { portIndexOf, type ApplicableReservation, type PortHolder, type PortIndex, type PreviousOwner } from '../registry/port-index.js';
import { inRange, type Registry, type Service } from '../registry/types.js';
import type { PortFact } from '../scan/scan.js';

export class RuleIndex {
  readonly ports: PortIndex;

  constructor(
    readonly registry: Registry,
    readonly registryFile: string,
    private readonly registryDoc: JsonDocument | null,
  ) {
    this.ports = portIndexOf(registry);
  }

  /** The service that holds the port for the protocol (a port written without one is tcp). */
  ownerOf(port: number, protocol: Protocol | null = null): PortHolder | undefined {
    return this.ports.ownerOf(port, protocol);
  }

  /** Services that had this port before (moved away or released). */
  previousOwnersOf(port: number): PreviousOwner[] {
    return this.ports.previousOwnersOf(port);
  }

  /** The reservations that apply to a host port as written: its port or range, its project, its protocol. */
  reservationsOn(p: PortFact): ApplicableReservation[] {
    return this.ports.reservationsFor({ from: p.published!, to: p.publishedEnd ?? p.published! }, p.project, [protocolOf(p.protocol)]);
  }

  projectRange(project: string) {
    return this.registry.projects[project]?.range;
  }

  inProjectRange(project: string, port: number): boolean {
    const range = this.projectRange(project);
    return range !== undefined && inRange(port, range);
  }

  service(project: string | null, service: string | null): Service | undefined {
    if (!project || !service) return undefined;
    return this.registry.projects[project]?.services?.[service];
  }

  /** Where a registry entry is written, for related locations. */
  registryLocation(path: JsonPath, message?: string): Location {
    const at = this.registryDoc?.locationAt(path) ?? { line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 };
    return { file: this.registryFile, line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn, ...(message ? { message } : {}) };
  }
}
