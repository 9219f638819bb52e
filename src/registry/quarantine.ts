import type { JsonPath } from './json-document.js';
import { DEFAULT_QUARANTINE_DAYS, serviceProtocols, type Registry } from './types.js';

export interface QuarantineHold {
  project: string;
  service: string;
  /** "released" or "moved away from". */
  what: 'released' | 'moved away from';
  since: string;
  until: string;
  path: JsonPath;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Ports that were released or moved away from less than quarantineDays ago, keyed `port/protocol`.
 * They are handed to nobody else until the quarantine ends, so stale docs never point at a new owner.
 */
export function quarantinedPorts(registry: Registry, now: Date): Map<string, QuarantineHold> {
  const days = registry.quarantineDays ?? DEFAULT_QUARANTINE_DAYS;
  const holds = new Map<string, QuarantineHold>();
  const consider = (port: number, protocols: string[], since: string, hold: Omit<QuarantineHold, 'since' | 'until'>) => {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) return;
    const untilMs = sinceMs + days * DAY_MS;
    if (untilMs <= now.getTime()) return;
    for (const protocol of protocols) {
      const key = `${port}/${protocol}`;
      const existing = holds.get(key);
      if (!existing || Date.parse(existing.until) < untilMs) {
        holds.set(key, { ...hold, since: since.slice(0, 10), until: new Date(untilMs).toISOString().slice(0, 10) });
      }
    }
  };
  for (const [project, p] of Object.entries(registry.projects)) {
    for (const [service, s] of Object.entries(p.services ?? {})) {
      (s.history ?? []).forEach((h, i) => {
        if (h.port === s.port) return;
        consider(h.port, serviceProtocols(s.protocol), h.until, {
          project,
          service,
          what: 'moved away from',
          path: ['projects', project, 'services', service, 'history', i],
        });
      });
    }
  }
  (registry.released ?? []).forEach((r, i) => {
    consider(r.port, serviceProtocols(r.protocol), r.releasedAt, {
      project: r.project,
      service: r.service,
      what: 'released',
      path: ['released', i],
    });
  });
  return holds;
}
