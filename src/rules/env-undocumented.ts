import path from 'node:path';
import type { TextEdit } from '../findings.js';
import { at } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

const TEMPLATE_NAMES = ['.env.example', '.env.sample', '.env.template'];

/** The env template a compose file in `folder` is documented by (the first of TEMPLATE_NAMES there), if any. */
export function envTemplateIn<F>(filesByPath: ReadonlyMap<string, F>, folder: string): F | undefined {
  const found = TEMPLATE_NAMES.map((n) => (folder === '.' ? n : `${folder}/${n}`)).find((t) => filesByPath.has(t));
  return found ? filesByPath.get(found) : undefined;
}

/** The edit that lists `variable=value` in a template: appended as a last line, so nothing else in it moves. */
export function appendToTemplate(template: { path: string; size: number; endsWithNewline?: boolean }, variable: string, value: number): TextEdit {
  return { file: template.path, start: template.size, end: template.size, text: `${template.endsWithNewline ? '' : '\n'}${variable}=${value}\n` };
}

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
    // Built on the first undocumented variable: most trees have none, and a map of every file costs.
    let filesByPath: Map<string, (typeof scan.files)[number]> | undefined;
    const seen = new Set<string>();
    for (const p of scan.ports) {
      if (p.source !== 'compose' || !p.variable || (p.kind !== 'published' && p.kind !== 'target')) continue;
      const folder = path.posix.dirname(p.file);
      if (listed.get(folder)?.has(p.variable) || seen.has(`${folder}|${p.variable}`)) continue;
      seen.add(`${folder}|${p.variable}`);
      filesByPath ??= new Map(scan.files.map((f) => [f.path, f]));
      const template = envTemplateIn(filesByPath, folder);
      const registeredPort = Object.values(p.project ? (registry.projects[p.project]?.services ?? {}) : {}).find((s) => s.env === p.variable)?.port;
      const value = registeredPort ?? (/^\d+$/.test(p.text) ? Number(p.text) : undefined);
      const finding: RuleFinding = {
        ...at(p),
        message: `${p.variable} is used here but ${template ? show(template.path) : `no env template in ${folder === '.' ? 'this folder' : show(folder)}`} ${template ? 'does not list it' : 'documents it'}`,
        key: `${p.project}|${p.variable}`,
      };
      if (template && value !== undefined) finding.fix = { edits: [appendToTemplate(template, p.variable, value)] };
      findings.push(finding);
    }
    return findings;
  },
};
