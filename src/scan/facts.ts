/**
 * Small questions every consumer of the inventory asks of a port fact: is it a host port the
 * project itself uses, where is it, how is it written, and the edit that writes another port there.
 */
import type { Fix, Location } from '../findings.js';
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

/**
 * A finding's baseline identity for a port fact: the project, who uses the port (the registry
 * service, else the compose service, else the variable) and the port, not the line, so a
 * baseline survives edits elsewhere in the file.
 */
export function factKey(p: PortFact, port: number | null = p.published): string {
  return `${p.project}|${p.service ?? p.composeService ?? p.variable}|${port}`;
}
