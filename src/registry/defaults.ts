import { CURRENT_REGISTRY_VERSION, DEFAULT_PROJECT_SPACE, DEFAULT_QUARANTINE_DAYS, DEFAULT_RANGE_SIZE, type Registry, type Reservation } from './types.js';

/**
 * The reservations every new registry starts with: the system's own rules
 * (port-management.md) and the ports developer machines and browsers make trouble with.
 */
export const DEFAULT_RESERVATIONS: Reservation[] = [
  { port: 22, reason: 'SSH' },
  { port: 80, reason: 'HTTP' },
  { port: 443, reason: 'HTTPS' },
  { port: 3737, reason: 'Old Archon system' },
  { port: 8051, reason: 'Old Archon MCP' },
  { range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure (MCP server, etc.)', owner: 'supervisor' },
  { range: { from: 3000, to: 3099 }, reason: 'Legacy/shared ports (avoid using)', severity: 'warning' },
  { port: 5000, reason: 'macOS AirPlay receiver', severity: 'warning' },
  { port: 7000, reason: 'macOS AirPlay receiver', severity: 'warning' },
  // Ports that browsers refuse to connect to (the Fetch standard's "bad ports") inside the project space.
  { port: 5060, reason: 'Browsers refuse this port (SIP)', severity: 'warning' },
  { port: 5061, reason: 'Browsers refuse this port (SIPS)', severity: 'warning' },
  { port: 6000, reason: 'Browsers refuse this port (X11)', severity: 'warning' },
  { port: 6566, reason: 'Browsers refuse this port (SANE)', severity: 'warning' },
  { range: { from: 6665, to: 6669 }, reason: 'Browsers refuse these ports (IRC)', severity: 'warning' },
  { port: 6679, reason: 'Browsers refuse this port (IRC over TLS)', severity: 'warning' },
  { port: 6697, reason: 'Browsers refuse this port (IRC over TLS)', severity: 'warning' },
  { port: 10080, reason: 'Browsers refuse this port (Amanda)', severity: 'warning' },
];

/** A new registry with the default reservations; `schemaRef` is left out when there is none that resolves everywhere. */
export function newRegistry(schemaRef?: string): Registry {
  return {
    ...(schemaRef ? { $schema: schemaRef } : {}),
    version: CURRENT_REGISTRY_VERSION,
    rangeSize: DEFAULT_RANGE_SIZE,
    projectSpace: { ...DEFAULT_PROJECT_SPACE },
    quarantineDays: DEFAULT_QUARANTINE_DAYS,
    reserved: DEFAULT_RESERVATIONS.map((r) => structuredClone(r)),
    projects: {},
  };
}
