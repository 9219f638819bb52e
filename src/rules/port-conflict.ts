import { protocolOf, type Protocol } from '../protocol.js';
import { portKey } from '../registry/port-index.js';
import type { PortFact } from '../scan/scan.js';
import { at, isDevConfig, portText } from '../scan/facts.js';
import type { RuleIndex } from './rule-index.js';
import { fleetRule, type RuleFinding } from './types.js';

interface Binding {
  fact: PortFact;
  index: number;
  stack: string;
  /** The project, or the stack itself for a file no project owns. */
  owner: string;
  service: string;
  /** A port the code listens on (code scanning), a package.json script binds or a dev container forwards: not a compose service's. */
  code: boolean;
}

/** Who binds a port outside compose, for the message. */
const LOCAL_BINDER: Record<string, string> = { code: 'the code', 'package-json': 'a package.json script', devcontainer: 'the dev container' };

/** Compose binds a port range one port at a time; a runaway range is capped to stay cheap. */
const MAX_RANGE = 1024;

/**
 * Do two host IPs overlap? No IP binds every address of both families (Docker publishes on
 * 0.0.0.0 and ::); an unspecified address binds every address of its own family.
 */
export function hostIpsOverlap(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return true;
  const family = (ip: string) => (ip.includes(':') ? 6 : 4);
  if (family(a) !== family(b)) return false;
  const unspecified = (ip: string) => ip === '0.0.0.0' || ip === '::' || ip === '';
  return unspecified(a) || unspecified(b) || a === b;
}

function folderOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
}

/** In the order the whole inventory lists them: stacks by id, other files by path. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const portConflict = fleetRule(
  {
    id: 'port-conflict',
    defaultSeverity: 'error',
    description:
      'The same host port (with overlapping host IP and protocol, ranges included) published twice in one stack or by two projects (also a port a package.json script binds or a dev container forwards, and with --code a port code listens on).',
    fixable: false,
    scope: 'fleet',
  },
  () => {
    // Kept of each group: every host port bound, with its fact. Which binding comes first decides
    // where a finding goes, so the bindings are put back in the whole inventory's order at the end.
    const stackBindings: { stack: string; bindings: Binding[] }[] = [];
    const localBindings: { file: string; bindings: Binding[] }[] = [];
    /** Facts of the groups before: a binding's index is unique across groups. */
    let offset = 0;
    return {
      add: ({ scan }) => {
        for (const stack of scan.stacks) {
          const bindings: Binding[] = [];
          for (const service of stack.services) {
            for (const index of service.ports) {
              const fact = scan.ports[index]!;
              if (fact.published === null || !fact.resolved) continue;
              bindings.push({ fact, index: offset + index, stack: stack.id, owner: stack.project ?? `stack:${stack.id}`, service: service.name, code: false });
            }
          }
          stackBindings.push({ stack: stack.id, bindings });
        }
        // Ports a project's code listens on (code scanning), its package.json scripts bind and its dev
        // container forwards collide with other projects' ports. Not with its own compose ports: the
        // container often runs that very code (and the dev container forwards it).
        scan.ports.forEach((fact, index) => {
          if ((fact.source !== 'code' && !isDevConfig(fact)) || fact.kind !== 'published' || !fact.project || fact.published === null || !fact.resolved) return;
          const binding = {
            fact,
            index: offset + index,
            stack: `${fact.source}:${fact.project}`,
            owner: fact.project,
            service: fact.service ?? fact.variable ?? fact.source,
            code: true,
          };
          const last = localBindings.at(-1);
          if (last?.file === fact.file) last.bindings.push(binding);
          else localBindings.push({ file: fact.file, bindings: [binding] });
        });
        offset += scan.ports.length;
      },
      finish: ({ index, show }) => {
        const byPort = new Map<string, Binding[]>();
        const add = (binding: Binding) => {
          const end = Math.min(binding.fact.publishedEnd ?? binding.fact.published!, binding.fact.published! + MAX_RANGE);
          for (let port = binding.fact.published!; port <= end; port++) {
            const key = portKey(port, protocolOf(binding.fact.protocol));
            const list = byPort.get(key);
            if (list) list.push(binding);
            else byPort.set(key, [binding]);
          }
        };
        for (const { bindings } of stackBindings.sort((a, b) => byText(a.stack, b.stack))) bindings.forEach(add);
        for (const { bindings } of localBindings.sort((a, b) => byText(a.file, b.file))) bindings.forEach(add);
        return conflicts(byPort, index, show);
      },
    };
  },
);

/** Two bindings of one port that can run at once: a finding on the side that does not own it. */
function conflicts(byPort: Map<string, Binding[]>, index: RuleIndex, show: (file: string) => string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const reported = new Set<string>();
  for (const [key, bindings] of byPort) {
    if (bindings.length < 2) continue;
    const [port, protocol] = key.split('/') as [string, Protocol];
    const registeredTo = index.ownerOf(Number(port), protocol)?.project;
    for (let j = 1; j < bindings.length; j++) {
      for (let i = 0; i < j; i++) {
        let first = bindings[i]!;
        let later = bindings[j]!;
        // Alternative stacks of one project (compose.dev.yaml beside compose.prod.yaml) never run together.
        if (first.owner === later.owner && first.stack !== later.stack && folderOf(first.stack) === folderOf(later.stack)) continue;
        if (first.owner === later.owner && (first.code || later.code)) continue;
        if (!hostIpsOverlap(first.fact.hostIp, later.fact.hostIp)) continue;
        // The finding goes to the side that does not own the port in the registry.
        if (later.owner === registeredTo && first.owner !== registeredTo) [first, later] = [later, first];
        const id = `${later.index}|${later.service}`;
        if (reported.has(id)) continue;
        reported.add(id);
        const who = (b: Binding) => (b.code ? `${LOCAL_BINDER[b.fact.source]} of project "${b.owner}"` : `service "${b.service}"`);
        const where =
          first.owner === later.owner && first.stack === later.stack
            ? `service "${first.service}" of the same stack`
            : // Two stacks of one project in different folders (its own code never gets here: skipped above).
              first.owner === later.owner
              ? `service "${first.service}" of another stack of project "${first.owner}"`
              : first.code
                ? who(first)
                : `service "${first.service}" of ${first.owner.startsWith('stack:') ? `stack ${first.stack}` : `project "${first.owner}"`}`;
        findings.push({
          ...at(later.fact),
          message: `host port ${key} of ${who(later)} is also ${first.code ? 'listened on' : 'published'} by ${where} (${show(first.fact.file)}:${first.fact.line}:${first.fact.column})`,
          related: [{ ...at(first.fact), message: `also ${first.code ? 'listened on' : 'published'} here (${portText(first.fact)})` }],
          key: `${later.owner}|${later.service}|${key}`,
        });
      }
    }
  }
  return findings;
}
