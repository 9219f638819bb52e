/**
 * Small questions every consumer of the inventory asks of a port fact: is it a host port the
 * project itself uses, where is it, how is it written, and the edit that writes another port there.
 */
import type { Fix, Location } from '../findings.js';
import { findHostPorts, isLocalHost } from '../parse/host-port.js';
import type { PortFact } from './scan.js';

/**
 * Host ports a project itself publishes or configures: compose published ports, env template
 * values, ports code listens on, ports package.json scripts bind and dev containers forward.
 */
export function isHostPort(p: PortFact): boolean {
  if (p.published === null || !p.resolved) return false;
  if (p.source === 'compose' || p.source === 'code' || isDevConfig(p)) return p.kind === 'published';
  if (p.source === 'env') return p.kind === 'env';
  return false;
}

/** A port of a dev tool's config (a package.json script, a devcontainer.json), not of a deployed service. */
export function isDevConfig(p: Pick<PortFact, 'source'>): boolean {
  return p.source === 'package-json' || p.source === 'devcontainer';
}

/** A finding's place from a port fact. */
export function at(p: PortFact): Location & { start: number; end: number } {
  return { file: p.file, line: p.line, column: p.column, endLine: p.endLine, endColumn: p.endColumn, start: p.span.start, end: p.span.end };
}

export function portText(p: PortFact): string {
  return p.publishedEnd ? `${p.published}-${p.publishedEnd}` : String(p.published);
}

/** The edit that writes a new port over a fact's digits; only when the digits are written there. */
export function replacePort(p: PortFact, port: number): Fix | undefined {
  if (!/^\d+$/.test(p.text) || p.publishedEnd !== null) return undefined;
  return { edits: [{ file: p.file, start: p.span.start, end: p.span.end, text: String(port), expected: p.text }] };
}

/** The edit that writes `text` over a fact's whole text (a range moved as a whole: `8091-8092`). */
export function replaceText(p: PortFact, text: string): Fix {
  return { edits: [{ file: p.file, start: p.span.start, end: p.span.end, text, expected: p.text }] };
}

/**
 * A finding's baseline identity for a port fact: the project, who uses the port (the registry
 * service, else the compose service, else the variable) and the port, not the line, so a
 * baseline survives edits elsewhere in the file.
 */
export function factKey(p: PortFact, port: number | null = p.published): string {
  return `${p.project}|${p.service ?? p.composeService ?? p.variable}|${port}`;
}

// `docker ps` output bound to every IPv6 address (`:::5000->80/tcp`), which host:port patterns do not read.
const PS_ANY_V6 = /^:::\d/;
// A database client command (`psql -h localhost -p 5432`): its host flag, if any.
const CLIENT = /^(?:psql|pg_dump|pg_dumpall|pg_restore|pg_isready|redis-cli|valkey-cli|mysql|mysqladmin|mysqldump|mariadb|mongosh|mongo)\b/;
const CLIENT_HOST = /[ \t](?:-h[ \t]*|--host(?:=|[ \t]+))([^\s;|&'"]+)/;

/**
 * The local host a URL or mention is addressed to (`localhost`, `127.0.0.1`, `0.0.0.0`, `::1`,
 * `host.docker.internal`), or null when it names another host or is no address (`-p 5000:80`,
 * `PORT=5000`, prose). A client command without a host flag connects to this machine. `raw` is
 * the address itself or the whole value that holds it (an env template's), so every address in it
 * with this port must be local.
 */
export function localAddressOf(p: PortFact): string | null {
  if ((p.kind !== 'url' && p.kind !== 'mention') || p.published === null) return null;
  const raw = p.raw;
  if (CLIENT.test(raw)) {
    const host = CLIENT_HOST.exec(raw)?.[1] ?? 'localhost';
    return isLocalHost(host) ? host : null;
  }
  if (PS_ANY_V6.test(raw)) return '::';
  const hosts = findHostPorts(raw)
    .filter((h) => h.port === p.published)
    .map((h) => h.host);
  return hosts.length > 0 && hosts.every(isLocalHost) ? hosts[0]! : null;
}
