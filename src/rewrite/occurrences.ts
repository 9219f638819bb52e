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
  /** The fact's new text when it is not the move's port alone: a range whose every port moves (`8091-8092`). */
  text?: string;
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
  /**
   * For a port of `ambiguous` that two services held at once (a merge: each branch gave it to its
   * own service), which of them a fact tied to it by its number alone means, where that can be
   * told (a line the other branch brought): the service that moves, the one that stays, or null
   * (reported, left as it is). Without it, such a fact goes with the service the scanner gave it to.
   */
  sideOf?: (fact: PortFact) => 'moving' | 'staying' | null;
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

/** A URL, a mention, or an env value whose variable is no service's: nothing but its number ties it to a service. */
function tiedByNumber(fact: PortFact, registry: Registry): boolean {
  if (fact.kind === 'url' || fact.kind === 'mention' || fact.kind === 'reference') return true;
  if (fact.kind !== 'env') return false;
  const services = (fact.project !== null && Object.hasOwn(registry.projects, fact.project) ? registry.projects[fact.project]!.services : undefined) ?? {};
  return !Object.values(services).some((s) => s.env !== undefined && s.env === fact.variable);
}

/**
 * A range (`"8081-8082:8081-8082"`, `docker ps` output `0.0.0.0:8081-8082->…`, `PORTS=8081-8082`) of
 * the project whose ports move: it moves as a whole when every one of its ports moves by the same
 * step and it is written as its digits; otherwise it is reported, never left silently.
 */
function selectRange(fact: PortFact, moves: readonly PortMove[], options: SelectOptions, selection: Selection): Occurrence | null {
  const from = fact.published!;
  const to = fact.publishedEnd!;
  const project = fact.kind === 'reference' ? fact.referencedProject : fact.project;
  const touching = moves.filter((m) => m.project === project && m.from >= from && m.from <= to).sort((a, b) => a.from - b.from);
  if (touching.length === 0) return null;
  const first = touching[0]!;
  const step = first.to - first.from;
  const whole = new Set(touching.map((m) => m.from)).size === to - from + 1 && touching.every((m) => m.to - m.from === step);
  const written = fact.text === `${from}-${to}`;
  const ambiguous = touching.find((m) => options.ambiguous?.has(m.from));
  if (whole && written && !ambiguous) {
    return { fact, move: first, kind: rangeKind(fact), text: `${from + step}-${to + step}` };
  }
  const moving = touching.map((m) => `${m.from} (service "${m.service}") to ${m.to}`).join(', ');
  const why = ambiguous
    ? `port ${ambiguous.from} now belongs to ${options.ambiguous!.get(ambiguous.from)}`
    : !whole
      ? 'the other ports of the range do not move with it by the same step'
      : `it is written as "${fact.text}", not as its digits`;
  for (const move of touching) {
    selection.skipped.push({ fact, move, reason: `part of the range ${from}-${to}, which moves ${moving}: ${why}; change the range by hand` });
  }
  return null;
}

function rangeKind(fact: PortFact): OccurrenceKind {
  if (fact.kind === 'reference') return 'reference';
  if (fact.source === 'markdown') return 'docs';
  if (fact.source === 'compose' && fact.kind === 'published') return 'compose';
  return fact.kind === 'env' ? 'env' : fact.kind === 'url' ? 'url' : 'mention';
}

function whyNotDigits(fact: PortFact, port: number): string {
  if (fact.text.startsWith('$')) {
    return `written as ${fact.text}, with no default to change; the value comes from ${fact.variable ? `${fact.variable} in the env template` : 'the environment'}`;
  }
  return `written as "${fact.text}", not as the digits ${port}`;
}

/** What an occurrence's text becomes. */
export function occurrenceText(o: Occurrence): string {
  return o.text ?? String(o.move.to);
}

export function selectOccurrences(scan: ScanResult, registry: Registry, moves: readonly PortMove[], options: SelectOptions = {}): Selection {
  const byPort = new Map<number, PortMove[]>();
  for (const m of moves) if (m.from !== m.to) byPort.set(m.from, [...(byPort.get(m.from) ?? []), m]);
  const selection: Selection = { occurrences: [], skipped: [], conflicts: [] };
  const taken = new Set<PortFact>();
  const moving = [...byPort.values()].flat();
  for (const fact of scan.ports) {
    if (fact.published === null) continue;
    if (fact.publishedEnd !== null) {
      // Container ranges (target, expose) have no host port and never get here.
      const o = selectRange(fact, moving, options, selection);
      if (o) {
        selection.occurrences.push(o);
        taken.add(fact);
      }
      continue;
    }
    for (const move of byPort.get(fact.published) ?? []) {
      const side = options.sideOf && options.ambiguous?.has(move.from) && tiedByNumber(fact, registry) ? options.sideOf(fact) : undefined;
      if (side === 'staying') continue;
      // The scanner gave the fact to the first of the two holders; its side says which it means.
      const c = classify(side === undefined ? fact : { ...fact, service: side === 'moving' ? move.service : null }, move, registry);
      if (!c) continue;
      if (c.byNumber && options.ambiguous?.has(move.from) && side !== 'moving') {
        selection.skipped.push({
          fact,
          move,
          reason: `port ${move.from} now belongs to ${options.ambiguous.get(move.from)}: this ${fact.kind} names it by its number alone, so it is left as it is; check it by hand`,
        });
        continue;
      }
      if (fact.text !== String(move.from)) {
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
  const newText = new Map<string, string>();
  for (const o of selection.occurrences) {
    const key = at(o.fact);
    const before = newText.get(key);
    const text = occurrenceText(o);
    if (before !== undefined && before !== text) {
      selection.conflicts.push(`${o.fact.file}:${o.fact.line}:${o.fact.column}: "${o.fact.text}" would have to become both ${before} and ${text}`);
    }
    newText.set(key, text);
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
