import path from 'node:path';
import type { PortFact } from '../scan/scan.js';
import { at, replacePort } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

/** A compose port whose digits are the default of `${VAR:-NNNN}`. */
export function isComposeDefault(p: PortFact): boolean {
  return p.source === 'compose' && p.variable !== null && /^\d+$/.test(p.text) && p.raw.includes('${');
}

/** A port in code whose digits are the fallback of a variable (`process.env.API_PORT ?? 5000`). */
export function isCodeDefault(p: PortFact): boolean {
  return p.source === 'code' && p.kind === 'published' && p.variable !== null && /^\d+$/.test(p.text);
}

export const envDrift: Rule = {
  meta: {
    id: 'env-drift',
    defaultSeverity: 'error',
    description:
      'The env template, the compose default (${API_PORT:-5000}), the fallback in code (process.env.API_PORT ?? 5000, with --code) and the registry disagree on a port variable.',
    fixable: true,
    scope: 'file',
  },
  check({ scan, index, registry, show }) {
    const findings: RuleFinding[] = [];
    // The env template values of each folder, by variable.
    const templates = new Map<string, Map<string, PortFact>>();
    for (const p of scan.ports) {
      if (p.source !== 'env' || p.kind !== 'env' || !p.variable || p.published === null) continue;
      const folder = path.posix.dirname(p.file);
      const vars = templates.get(folder) ?? new Map<string, PortFact>();
      // The last value wins, as in dotenv and Compose.
      vars.set(p.variable, p);
      templates.set(folder, vars);
    }
    // Each project's services by variable, built once: the rule asks for every env value in the tree.
    const byVariable = new Map<string, Map<string, { service: string; port: number }>>();
    const registered = (project: string | null, variable: string) => {
      if (!project) return undefined;
      let vars = byVariable.get(project);
      if (!vars) {
        vars = new Map();
        for (const [service, s] of Object.entries(registry.projects[project]?.services ?? {})) {
          // The first service with the variable, as a search in order finds it.
          if (s.env !== undefined && !vars.has(s.env)) vars.set(s.env, { service, port: s.port });
        }
        byVariable.set(project, vars);
      }
      return vars.get(variable);
    };
    /** `what` names where the value is written: only worded when the two disagree. */
    const disagree = (p: PortFact, value: number, what: () => string, project: string | null, variable: string) => {
      const reg = registered(project, variable);
      if (!reg || reg.port === value) return;
      const fix = replacePort(p, reg.port);
      findings.push({
        ...at(p),
        message: `${variable} is ${value} in ${what()}, but registered as ${reg.port} for service "${reg.service}" of project "${project}"`,
        related: [index.registryLocation(['projects', project!, 'services', reg.service, 'env'], `${variable} of ${project}/${reg.service}`)],
        key: `${project}|${reg.service}|${variable}|${value}`,
        ...(fix ? { fix } : {}),
      });
    };
    for (const vars of templates.values()) {
      for (const [variable, p] of vars) disagree(p, p.published!, () => show(p.file), p.project, variable);
    }
    for (const p of scan.ports) {
      if (!isComposeDefault(p) && !isCodeDefault(p)) continue;
      const value = Number(p.text);
      const variable = p.variable!;
      if (registered(p.project, variable)) {
        disagree(p, value, () => `${p.source === 'code' ? 'the fallback in' : 'the default of'} ${show(p.file)}`, p.project, variable);
        continue;
      }
      // No registry entry to settle it: the two files must at least agree with each other.
      const template = templates.get(path.posix.dirname(p.file))?.get(variable);
      if (template && template.published !== value) {
        findings.push({
          ...at(p),
          message: `${variable} defaults to ${value} in ${show(p.file)}, but ${show(template.file)} sets it to ${template.published}`,
          related: [{ ...at(template), message: `${variable}=${template.published}` }],
          key: `${p.project}|${variable}|${value}`,
        });
      }
    }
    return findings;
  },
};
