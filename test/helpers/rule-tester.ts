/**
 * A rule tester in the manner of ESLint's RuleTester: each case is a small repository (see
 * scenario.ts) linted in-process, through prepareLint as `portreg lint` runs it, with the rule
 * under test alone turned on (every other rule "off" in portreg.config.json). A valid case
 * reports nothing; an invalid case reports exactly its `errors` (rule, file, message, position,
 * severity) and, with `output`, its fixes applied until nothing changes leave exactly those
 * bytes (every other file untouched); without `output`, the rule must offer no fix.
 */
import { describe, expect, it } from 'vitest';
import type { Severity } from '../../src/findings.js';
import type { PortregConfig } from '../../src/config/load-config.js';
import { prepareLint, type PreparedLint, type RunLintOptions } from '../../src/lint/run-lint.js';
import type { LintFinding } from '../../src/findings.js';
import type { LintResult } from '../../src/lint/lint.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { MAX_FIX_PASSES } from '../../src/lint/fix-passes.js';
import { testEnv } from './cli.js';
import { REGISTRY_FILE, scenario, type Scenario } from './scenario.js';

/** The clock of every case (the registry's quarantine and history dates are judged against it). */
export const NOW = new Date('2026-11-25T12:00:00Z');

export interface RuleTestCase {
  /** The test's title. */
  name: string;
  files: Record<string, string>;
  /** Written as ports.registry.json (an object as indented JSON). */
  registry: object | string;
  /** portreg.config.json; its `rules` are merged over "every other rule off". */
  config?: PortregConfig;
  /** Make it a git repository, everything committed. */
  git?: boolean;
  /** What the case lints: files or folders (as `portreg lint PATHS`), --changed-since, --code, --env-file values. */
  lint?: Pick<RunLintOptions, 'paths' | 'changedSince' | 'code' | 'extraEnv'>;
  /** Runs after the scenario is built (and committed), before the lint: edit files, commit, ... */
  setup?: (s: Scenario) => Promise<void> | void;
}

export interface ExpectedFinding {
  /** Default: the rule under test. */
  ruleId?: string;
  file: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  /** When given, the finding's related locations exactly. */
  related?: { file: string; line: number; column: number; message?: string }[];
}

export interface InvalidCase extends RuleTestCase {
  errors: ExpectedFinding[];
  /** Each changed file's exact text after `--fix`; every file not named keeps its bytes. Omitted: no finding offers a fix. */
  output?: Record<string, string>;
}

export interface RuleTests {
  valid: RuleTestCase[];
  invalid: InvalidCase[];
}

/** The config that turns every rule off but `ruleId` (left at its default unless the case sets it). */
export function aloneConfig(ruleIds: readonly string[], config: RuleTestCase['config'] = {}): PortregConfig {
  const off = Object.fromEntries(ALL_RULES.filter((m) => !ruleIds.includes(m.id)).map((m) => [m.id, 'off' as const]));
  return { ...config, rules: { ...off, ...(config.rules ?? {}) } };
}

export interface LintRun {
  scenario: Scenario;
  prepared: PreparedLint;
  /** Undefined when the registry cannot be read. */
  result: LintResult | undefined;
  /** As the user sees them (paths from the git top folder). */
  findings: LintFinding[];
}

/** Builds the case's repository and lints it in-process with only `ruleIds` on. */
export async function lintCase(ruleIds: readonly string[], c: Omit<RuleTestCase, 'name'>): Promise<LintRun> {
  const s = await scenario({ files: c.files, registry: c.registry, config: aloneConfig(ruleIds, c.config), git: c.git });
  await c.setup?.(s);
  const prepared = await prepareLint({ cwd: s.root, env: testEnv(), now: NOW, ...(c.lint ?? {}) });
  if (!prepared.registry.data) return { scenario: s, prepared, result: undefined, findings: prepared.registryFindings() };
  const result = await prepared.run();
  return { scenario: s, prepared, result, findings: prepared.present(result.findings) };
}

/** What a case compares: the finding without offsets, fixes and keys. */
export function comparable(f: LintFinding, withRelated: boolean): ExpectedFinding & { ruleId: string } {
  return {
    ruleId: f.ruleId,
    file: f.file,
    message: f.message,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    severity: f.severity,
    ...(withRelated
      ? { related: (f.related ?? []).map((r) => ({ file: r.file, line: r.line, column: r.column, ...(r.message ? { message: r.message } : {}) })) }
      : {}),
  };
}

/** `portreg lint --fix`, in-process, through the library's own fix loop (fixUntilStable). */
export async function applyFixes(prepared: PreparedLint, result: LintResult): Promise<{ result: LintResult; passes: number; written: string[] }> {
  const { fixUntilStable } = await import('../../src/lint/fix-passes.js');
  const fixed = await fixUntilStable({
    root: prepared.tree.root,
    registryFile: prepared.tree.located.path,
    first: result,
    relint: (overlay) => prepared.run(overlay),
    dryRun: false,
    errorsOnly: false,
  });
  return { result: fixed.result, passes: fixed.passes, written: fixed.changes.map((c) => c.file) };
}

async function runValid(ruleId: string, c: RuleTestCase): Promise<void> {
  const { findings } = await lintCase([ruleId], c);
  expect(findings.map((f) => comparable(f, true))).toEqual([]);
}

async function runInvalid(ruleId: string, c: InvalidCase): Promise<void> {
  expect(c.errors.length, 'an invalid case expects at least one finding').toBeGreaterThan(0);
  const run = await lintCase([ruleId], c);
  const withRelated = c.errors.some((e) => e.related);
  const expected = c.errors.map((e) => ({ ...e, ruleId: e.ruleId ?? ruleId, ...(withRelated ? { related: e.related ?? [] } : {}) }));
  expect(run.findings.map((f) => comparable(f, withRelated))).toEqual(expected);

  const fixable = run.findings.filter((f) => f.fix);
  if (!c.output) {
    expect(
      fixable.map((f) => `${f.file}:${f.line}:${f.column}`),
      'the case gives no output: no finding may offer a fix',
    ).toEqual([]);
    return;
  }
  expect(fixable.length, 'the case gives an output: some finding must offer a fix').toBeGreaterThan(0);
  // Every file as the lint saw it, to check that the fix touched no other.
  const before = new Map<string, Buffer>();
  for (const file of [...Object.keys(c.files), REGISTRY_FILE]) before.set(file, await run.scenario.readBytes(file));
  const { passes, written } = await applyFixes(run.prepared, run.result!);
  expect(passes, `the fixes did not settle in ${MAX_FIX_PASSES} passes`).toBeLessThan(MAX_FIX_PASSES);
  expect(written.map((f) => run.prepared.tree.shown(f))).toEqual(Object.keys(c.output).sort());
  for (const [file, text] of Object.entries(c.output)) expect(await run.scenario.readBytes(file), file).toEqual(Buffer.from(text, 'utf8'));
  for (const [file, bytes] of before) {
    if (file in c.output) continue;
    expect(await run.scenario.readBytes(file), `${file} must keep its bytes`).toEqual(bytes);
  }
}

export const ruleTester = {
  /** One describe per rule, one test per case. */
  run(ruleId: string, tests: RuleTests): void {
    if (!ALL_RULES.some((m) => m.id === ruleId)) throw new Error(`ruleTester: no rule "${ruleId}"`);
    for (const list of [tests.valid, tests.invalid]) {
      const names = list.map((c) => c.name);
      const twice = names.filter((n, i) => names.indexOf(n) !== i);
      if (twice.length) throw new Error(`ruleTester: case names must be unique: ${twice.join(', ')}`);
    }
    describe(ruleId, () => {
      describe('valid', () => {
        for (const c of tests.valid) it(c.name, () => runValid(ruleId, c));
      });
      describe('invalid', () => {
        for (const c of tests.invalid) it(c.name, () => runInvalid(ruleId, c));
      });
    });
  },
};
