import path from 'node:path';
import { at } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

const TEMPLATE_NAMES = ['.env.example', '.env.sample', '.env.template'];

export const envUndocumented: Rule = {
  meta: {
    id: 'env-undocumented',
    defaultSeverity: 'warning',
    description: 'A compose file uses a port variable that the env template next to it does not list.',
    fixable: true,
    scope: 'file',
  },
  check({ scan, registry, show }) {
    const findings: RuleFinding[] = [];
    // Every key an env template sets counts as listed, whatever its value.
    const listed = new Map<string, Set<string>>();
    for (const f of scan.files) {
      if (f.kind !== 'env' || !f.variables) continue;
      const folder = path.posix.dirname(f.path);
      const set = listed.get(folder) ?? new Set<string>();
      for (const v of f.variables) set.add(v);
      listed.set(folder, set);
    }
    const filesByPath = new Map(scan.files.map((f) => [f.path, f]));
    const seen = new Set<string>();
    for (const p of scan.ports) {
      if (p.source !== 'compose' || !p.variable || (p.kind !== 'published' && p.kind !== 'target')) continue;
      const folder = path.posix.dirname(p.file);
      if (listed.get(folder)?.has(p.variable) || seen.has(`${folder}|${p.variable}`)) continue;
      seen.add(`${folder}|${p.variable}`);
      const templatePath = TEMPLATE_NAMES.map((n) => (folder === '.' ? n : `${folder}/${n}`)).find((t) => filesByPath.has(t));
      const template = templatePath ? filesByPath.get(templatePath)! : undefined;
      const registeredPort = Object.values(p.project ? (registry.projects[p.project]?.services ?? {}) : {}).find((s) => s.env === p.variable)?.port;
      const value = registeredPort ?? (/^\d+$/.test(p.text) ? Number(p.text) : undefined);
      const finding: RuleFinding = {
        ...at(p),
        message: `${p.variable} is used here but ${template ? show(template.path) : `no env template in ${folder === '.' ? 'this folder' : show(folder)}`} ${template ? 'does not list it' : 'documents it'}`,
        key: `${p.project}|${p.variable}`,
      };
      if (template && value !== undefined) {
        // Appended as a last line, so nothing else in the template moves.
        const text = `${template.endsWithNewline ? '' : '\n'}${p.variable}=${value}\n`;
        finding.fix = { edits: [{ file: template.path, start: template.size, end: template.size, text }] };
      }
      findings.push(finding);
    }
    return findings;
  },
};
