/**
 * The `ts` target: a TypeScript module of every port, `PORTS.billing.api`, as literal types
 * (`as const`), with a type per project, so code imports ports instead of writing them.
 * Plain text, written deterministically (registry order, services by port): no compiler needed
 * to write it, and it compiles under `tsc --strict`.
 */
import { banner, type ProjectView } from './view.js';

export const DEFAULT_TS_FILE = 'ports.generated.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An object key: bare when it is an identifier, else a string literal. */
function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** `web-app` → `WebAppPorts`; distinct names for names that would meet (`web-app`, `web_app`). */
function typeNames(projects: ProjectView[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>(['Ports', 'ProjectName']);
  for (const p of projects) {
    const words = p.name.split(/[^A-Za-z0-9]+/).filter(Boolean);
    let base = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Project';
    if (/^\d/.test(base)) base = `Project${base}`;
    let name = `${base}Ports`;
    for (let n = 2; used.has(name); n++) name = `${base}${n}Ports`;
    used.add(name);
    out.set(p.name, name);
  }
  return out;
}

export function tsModule(projects: ProjectView[]): string {
  const lines = [`// ${banner('ts')}`, '', '/** Host ports by project and service. */', 'export const PORTS = {'];
  for (const p of projects) {
    lines.push(`  ${key(p.name)}: {`);
    for (const s of p.services) lines.push(`    ${key(s.name)}: ${s.port},`);
    lines.push('  },');
  }
  lines.push('} as const;', '', "/** Each project's range of ports. */", 'export const PORT_RANGES = {');
  for (const p of projects) lines.push(`  ${key(p.name)}: { from: ${p.range.from}, to: ${p.range.to} },`);
  lines.push('} as const;', '', 'export type Ports = typeof PORTS;', 'export type ProjectName = keyof Ports;');
  const names = typeNames(projects);
  for (const p of projects) {
    lines.push(`/** The ports of project ${JSON.stringify(p.name)}. */`, `export type ${names.get(p.name)} = Ports[${JSON.stringify(p.name)}];`);
  }
  return lines.join('\n') + '\n';
}
