/**
 * Lookups the rules share, built once per lint run: who owns each port, which reservations
 * cover it, which services moved away from it, and which facts are host ports.
 */
import type { Location } from '../findings.js';
import type { JsonDocument, JsonPath } from '../registry/json-document.js';
import { inRange, reservationRange, serviceProtocols, type Registry, type Reservation, type Service } from '../registry/types.js';

export interface Owner {
  project: string;
  service: string;
  entry: Service;
}

export interface PreviousOwner {
  project: string;
  service: string;
  /** The service's port now (undefined when the service was released). */
  currentPort: number | undefined;
  how: 'moved' | 'released';
}

export class RuleIndex {
  private readonly owners = new Map<string, Owner>();
  private readonly previous = new Map<number, PreviousOwner[]>();

  constructor(
    readonly registry: Registry,
    readonly registryFile: string,
    private readonly registryDoc: JsonDocument | null,
  ) {
    for (const [project, p] of Object.entries(registry.projects)) {
      for (const [service, s] of Object.entries(p.services ?? {})) {
        for (const protocol of serviceProtocols(s.protocol)) this.owners.set(`${s.port}/${protocol}`, { project, service, entry: s });
        for (const h of s.history ?? []) {
          if (h.port !== s.port) this.addPrevious(h.port, { project, service, currentPort: s.port, how: 'moved' });
        }
      }
    }
    for (const r of registry.released ?? []) this.addPrevious(r.port, { project: r.project, service: r.service, currentPort: undefined, how: 'released' });
  }

  private addPrevious(port: number, who: PreviousOwner): void {
    this.previous.set(port, [...(this.previous.get(port) ?? []), who]);
  }

  ownerOf(port: number, protocol: string | null = 'tcp'): Owner | undefined {
    return this.owners.get(`${port}/${protocol ?? 'tcp'}`);
  }

  /** Services that had this port before (moved away or released). */
  previousOwnersOf(port: number): PreviousOwner[] {
    return this.previous.get(port) ?? [];
  }

  /** Reservations covering any port of [from, to] that apply to the project (an owner may use its own). */
  reservationsAt(from: number, to: number, project: string | null, protocol: string | null = null): { reservation: Reservation; index: number }[] {
    const found: { reservation: Reservation; index: number }[] = [];
    (this.registry.reserved ?? []).forEach((r, index) => {
      if (project !== null && r.owner === project) return;
      if (r.protocol && protocol && r.protocol !== protocol) return;
      const rr = reservationRange(r);
      if (rr.from <= to && from <= rr.to) found.push({ reservation: r, index });
    });
    return found;
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
