/**
 * The lint tool: `lint()` over the tree the registry governs, as `portreg lint` runs it
 * (same registry, config, root and project), capped and summarised for a model to read.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { checkRuleIds, findConfig } from '../config/load-config.js';
import { usageError } from '../errors.js';
import { loadRegistry } from '../registry/load.js';
import { locateRegistry } from '../registry/locate.js';
import { generateSettings } from '../generate/settings.js';

export const MAX_LINT_FINDINGS = 50;

export interface McpLintReport {
  root: string;
  total: number;
  errors: number;
  warnings: number;
  shown: number;
  truncated: boolean;
  byRule: Record<string, number>;
  findings: { ruleId: string; severity: 'error' | 'warning'; message: string; file: string; line: number; column: number; fixable: boolean }[];
  skipped: { ruleId: string; reason: string }[];
}

export async function lintForMcp(options: { cwd: string; env: NodeJS.ProcessEnv; registry?: string; path?: string; now: Date }): Promise<McpLintReport> {
  // The scanner and the rules load only when the tool is called.
  const { lint, knownRuleIds } = await import('../lint/lint.js');
  const located = await locateRegistry({ cwd: options.cwd, explicit: options.registry, env: options.env });
  const config = located.config ?? (await findConfig(options.cwd));
  if (config) checkRuleIds(config, new Set(knownRuleIds()), options.cwd);
  const registry = await loadRegistry(located.path, { now: options.now, cwd: options.cwd });
  const projectRepo = located.source === 'config' && config?.config.project ? config.config.project : undefined;
  const root = projectRepo && config ? path.dirname(config.file) : path.dirname(located.path);
  const rel = (absolute: string) => path.relative(root, absolute).split(path.sep).join('/');

  // Scope: a file, or everything under a folder (relative to the server's working folder).
  let inScope: (file: string) => boolean = () => true;
  if (options.path) {
    const target = path.resolve(options.cwd, options.path);
    const info = await stat(target).catch(() => null);
    if (!info) throw usageError('path-missing', `cannot lint ${options.path}: no such file or folder (relative to ${options.cwd}); omit path to lint everything`);
    const scope = rel(target);
    if (scope.startsWith('..')) {
      throw usageError('path-outside', `${options.path} lies outside ${root}, the folder the registry governs: lint a path inside it, or omit path`);
    }
    inScope = info.isDirectory() ? (f) => scope === '' || f === scope || f.startsWith(scope + '/') : (f) => f === scope;
  }

  let findings: McpLintReport['findings'];
  let skipped: McpLintReport['skipped'] = [];
  if (!registry.data) {
    // Not JSON or not the schema: the rules cannot run; what is wrong with the registry is the answer.
    findings = registry.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, file: rel(located.path), line: f.line, column: f.column, fixable: false }));
  } else {
    const result = await lint({
      root,
      registry,
      rules: config?.config.rules,
      scan: {
        include: config?.config.include,
        exclude: config?.config.exclude,
        docs: config?.config.docs,
        envFiles: config?.config.envFiles,
        ...(projectRepo ? { project: projectRepo } : {}),
      },
      partial: Boolean(projectRepo),
      generate: generateSettings(config, root),
    });
    skipped = result.skipped;
    findings = result.findings
      .filter((f) => inScope(f.file))
      .map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, file: f.file, line: f.line, column: f.column, fixable: f.fixable }));
  }
  // Errors first, each group in the report's order.
  const ordered = [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity !== 'error')];
  const byRule: Record<string, number> = {};
  for (const f of [...findings].sort((a, b) => a.ruleId.localeCompare(b.ruleId))) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  const shown = ordered.slice(0, MAX_LINT_FINDINGS);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    root,
    total: findings.length,
    errors,
    warnings: findings.length - errors,
    shown: shown.length,
    truncated: findings.length > shown.length,
    byRule,
    findings: shown,
    skipped,
  };
}
