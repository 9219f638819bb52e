/**
 * Which port occurrences in the scanned tree belong to a service whose port moves.
 *
 * For a service S of project P leaving port O, an occurrence is a scanner fact whose port is O
 * and that is one of:
 * - compose: a `published` fact of P attributed to S (only the host digits: the fact's span is
 *   exactly those digits, so `127.0.0.1:5032:5432/tcp` keeps its IP, container port and protocol,
 *   and `${DATABASE_PORT:-5032}` changes its default);
 * - env: an env value of P in the variable S is registered with (`env` in the registry), or one the
 *   scanner attributes to S by its port;
 * - url / mention: in a file of P (a compose `environment` URL, an env template URL, a README);
 * - reference: a URL or mention anywhere that the scanner attributes to S of P (a frontend's
 *   `API_URL=http://localhost:5032`, another README's link);
 * - a compose snippet in a README of P;
 * - code (with code scanning on): a port P's code listens on that the scanner attributes to S (by
 *   S's env variable, or by the port), and URLs in P's code as above;
 * - config: a port a package.json script of P binds or a dev container of P forwards or publishes,
 *   that the scanner attributes to S (by S's env variable, by the port, or by S's history).
 *   Not `"db:5432"` in forwardPorts (the container's port) or portsAttributes ranges.
 * Never a container port (`target`, `expose`, a service's own `PORT`), a port of another service,
 * or a fact in another project that does not point at P. Numbers the scanner does not read as
 * ports (versions, prose, tables of something else) are not facts, so they are never touched.
 */
import type { PortMove } from '../registry/moves.js';
import type { Registry } from '../registry/types.js';
import type { PortFact, ScanResult } from '../scan/scan.js';

/** Why an occurrence belongs to the service. */
export type OccurrenceKind = 'compose' | 'env' | 'url' | 'mention' | 'reference' | 'docs' | 'code' | 'config';

export interface Occurrence {
  fact: PortFact;
  move: PortMove;
  kind: OccurrenceKind;
}

export interface SkippedOccurrence {
  fact: PortFact;
  move: PortMove;
  reason: string;
}

export interface SelectOptions {
  /**
   * Old ports that another service holds now (a swap in a migration), with a description of the
   * new holder. A fact tied to a service only by its number cannot say which of the two it
   * means, so it is left alone and reported.
   */
  ambiguous?: ReadonlyMap<number, string>;
}

export interface Selection {
  occurrences: Occurrence[];
  skipped: SkippedOccurrence[];
  /** Texts that one edit cannot serve (a YAML anchor shared with another service, two moves at one place). */
  conflicts: string[];
}

/** The kind of occurrence, and whether the fact is tied to the service only by its port number; null when it is not the service's. */
function classify(fact: PortFact, move: PortMove, registry: Registry): { kind: OccurrenceKind; byNumber: boolean } | null {
  const inProject = fact.project === move.project;
  const serviceOk = fact.service === move.service || fact.service === null;
  switch (fact.kind) {
    case 'published':
      if (!inProject) return null;
      if (fact.source === 'compose') return fact.service === move.service ? { kind: 'compose', byNumber: false } : null;
      if (fact.source === 'package-json' || fact.source === 'devcontainer') {
        if (fact.service !== move.service) return null;
        const entry = registry.projects[move.project]?.services?.[move.service];
        return { kind: 'config', byNumber: !(entry?.env && fact.variable === entry.env) };
      }
      if (fact.source === 'code') {
        if (fact.service !== move.service) return null;
        const entry = registry.projects[move.project]?.services?.[move.service];
        return { kind: 'code', byNumber: !(entry?.env && fact.variable === entry.env) };
      }
      // A compose snippet in a README of the project.
      return serviceOk ? { kind: 'docs', byNumber: false } : null;
    case 'env': {
      if (!inProject) return null;
      const entry = registry.projects[move.project]?.services?.[move.service];
      if (entry?.env && fact.variable === entry.env) return { kind: 'env', byNumber: false };
      return fact.service === move.service ? { kind: 'env', byNumber: true } : null;
    }
    case 'reference':
      return fact.referencedProject === move.project && fact.service === move.service ? { kind: 'reference', byNumber: true } : null;
    case 'url':
    case 'mention':
      if (!inProject || !serviceOk) return null;
      return { kind: fact.source === 'markdown' ? 'docs' : fact.kind, byNumber: true };
    default:
      // target, expose: container ports, never the host port that moves.
      return null;
  }
}

function whyNotDigits(fact: PortFact, port: number): string {
  if (fact.publishedEnd !== null) return `part of the range ${fact.published}-${fact.publishedEnd}: change the range by hand`;
  if (fact.text.startsWith('$')) {
    return `written as ${fact.text}, with no default to change; the value comes from ${fact.variable ? `${fact.variable} in the env template` : 'the environment'}`;
  }
  return `written as "${fact.text}", not as the digits ${port}`;
}

export function selectOccurrences(scan: ScanResult, registry: Registry, moves: readonly PortMove[], options: SelectOptions = {}): Selection {
  const byPort = new Map<number, PortMove[]>();
  for (const m of moves) if (m.from !== m.to) byPort.set(m.from, [...(byPort.get(m.from) ?? []), m]);
  const selection: Selection = { occurrences: [], skipped: [], conflicts: [] };
  const taken = new Set<PortFact>();
  for (const fact of scan.ports) {
    if (fact.published === null) continue;
    for (const move of byPort.get(fact.published) ?? []) {
      const c = classify(fact, move, registry);
      if (!c) continue;
      if (c.byNumber && options.ambiguous?.has(move.from)) {
        selection.skipped.push({
          fact,
          move,
          reason: `port ${move.from} now belongs to ${options.ambiguous.get(move.from)}: this ${fact.kind} names it by its number alone, so it is left as it is; check it by hand`,
        });
        continue;
      }
      if (fact.publishedEnd !== null || fact.text !== String(move.from)) {
        selection.skipped.push({ fact, move, reason: whyNotDigits(fact, move.from) });
        continue;
      }
      selection.occurrences.push({ fact, move, kind: c.kind });
      taken.add(fact);
    }
  }

  // One place, one new text: a span that another fact also stands on and that is not moving the
  // same way (a YAML anchor that several services inherit) cannot be edited for one of them.
  const at = (f: PortFact) => `${f.file}|${f.span.start}|${f.span.end}`;
  const factsAt = new Map<string, PortFact[]>();
  for (const f of scan.ports) factsAt.set(at(f), [...(factsAt.get(at(f)) ?? []), f]);
  const newText = new Map<string, number>();
  for (const o of selection.occurrences) {
    const key = at(o.fact);
    const before = newText.get(key);
    if (before !== undefined && before !== o.move.to) {
      selection.conflicts.push(`${o.fact.file}:${o.fact.line}:${o.fact.column}: "${o.fact.text}" would have to become both ${before} and ${o.move.to}`);
    }
    newText.set(key, o.move.to);
    for (const other of factsAt.get(key) ?? []) {
      if (taken.has(other)) continue;
      selection.conflicts.push(
        `${o.fact.file}:${o.fact.line}:${o.fact.column}: "${o.fact.text}" is shared with ${other.composeService ? `compose service "${other.composeService}"` : 'another port'}${other.service ? ` (service "${other.service}")` : ''}, which does not move: split it (a YAML anchor?) and run again`,
      );
    }
  }
  selection.conflicts = [...new Set(selection.conflicts)];
  return selection;
}
