/**
 * The lint tool: `portreg lint [PATH]` through the same runLint (same registry, config, root,
 * project and scope), capped and summarised for a model to read.
 */

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
  const { runLint } = await import('../lint/run-lint.js');
  const run = await runLint({
    cwd: options.cwd,
    env: options.env,
    registry: options.registry,
    now: options.now,
    ...(options.path ? { paths: [options.path], strictPaths: true } : {}),
  });
  const findings: McpLintReport['findings'] = run.findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    fixable: f.fixable,
  }));
  const skipped = run.skipped;
  // Errors first, each group in the report's order.
  const ordered = [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity !== 'error')];
  const byRule: Record<string, number> = {};
  for (const f of [...findings].sort((a, b) => a.ruleId.localeCompare(b.ruleId))) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  const shown = ordered.slice(0, MAX_LINT_FINDINGS);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    root: run.top,
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
