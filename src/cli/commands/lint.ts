import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, usageError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import type { LintFinding, LintResult } from '../../lint/lint.js';
import type { ReportInput } from '../../report/types.js';

interface LintOptions {
  registry?: string;
  format: string;
  output?: string;
  maxWarnings?: number;
  quiet?: boolean;
  fix?: boolean;
  fixDryRun?: boolean;
  changedSince?: string;
  color?: boolean;
  envFile?: string[];
  baseline?: string;
  updateBaseline?: boolean;
  code?: boolean;
}

const FORMATS = ['stylish', 'json', 'sarif', 'github', 'markdown'];
const MAX_FIX_PASSES = 10;

export function lintCommand(ctx: CommandContext): Command {
  return new Command('lint')
    .description('check compose files, env templates and READMEs against the registry')
    .argument(
      '[files...]',
      'report on these files or folders only (pre-commit passes files); their projects and the registry are still read, and a changed registry adds the projects whose entries changed',
    )
    .option('--registry <path>', 'the registry file (default: PORTREG_REGISTRY, the config file, or the nearest ports.registry.json upward)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--max-warnings <n>', 'exit 1 when there are more warnings than this').argParser(nonNegative))
    .option('--quiet', 'report errors only')
    .option('--fix', 'apply the fixes of fixable findings, as byte-exact edits')
    .option('--fix-dry-run', 'show the changes --fix would make (a unified diff) and report what would remain; write nothing')
    .option('--changed-since <ref>', 'report on the files changed since the merge base of REF and HEAD')
    .option('--env-file <file...>', 'values for compose interpolation, over the env templates')
    .option('--baseline <file>', 'accept the findings listed in this file (see --update-baseline)')
    .option('--update-baseline', 'write the current findings to the --baseline file and exit 0')
    .option('--code', 'also check port literals in TypeScript and JavaScript (or "code": true in portreg.config.json)')
    .option('--no-color', 'no colours in the output')
    .addHelpText(
      'after',
      `
Formats: stylish (people), json (schemas/lint-report.schema.json), sarif (GitHub code scanning),
github (workflow annotations and a step summary), markdown (a pull-request comment).
Exit codes: 0 no errors and warnings within --max-warnings, 1 findings, 2 usage, configuration or registry errors.`,
    )
    .action(async (files: string[], options: LintOptions) => {
      // The pre-commit path loads only what a plain lint needs; fixing and baselines load on demand.
      const [{ prepareLint }, { REPORTERS }, { ALL_RULES }] = await Promise.all([
        import('../../lint/run-lint.js'),
        import('../../report/index.js'),
        import('../../rules/index.js'),
      ]);

      const prepared = await prepareLint({
        cwd: ctx.cwd,
        env: ctx.env,
        registry: options.registry,
        now: ctx.now(),
        paths: files,
        changedSince: options.changedSince,
        extraEnv: await readEnvFiles(ctx.cwd, options.envFile ?? []),
        ...(options.code ? { code: true } : {}),
      });
      const { tree } = prepared;
      const config = tree.config;
      // The config may name a baseline (relative to the config file); --baseline wins.
      const baselineOption =
        options.baseline ?? (config?.config.baseline ? path.relative(ctx.cwd, path.resolve(path.dirname(config.file), config.config.baseline)) : undefined);
      if (options.updateBaseline && !baselineOption)
        throw usageError('usage', '--update-baseline needs --baseline FILE (or "baseline" in portreg.config.json)');

      if (!prepared.registry.data) {
        // Not JSON or not the schema: the rules cannot run; report what is wrong with the registry.
        await emit({ findings: prepared.registryFindings(), skipped: [] }, options);
        process.exitCode = ExitCode.Usage;
        return;
      }
      const changed = prepared.scope.registryChanged;
      if (changed?.everything)
        ctx.stderr(`portreg: ${tree.shown(tree.registryFile)} changed in what every project is held to (or is new): reporting on every file\n`);
      else if (changed?.projects.length)
        ctx.stderr(`portreg: ${tree.shown(tree.registryFile)} changed the entries of ${changed.projects.join(', ')}: reporting on their files too\n`);

      let result: LintResult = await prepared.run();
      let fixedFiles: string[] = [];
      let dryRun: { file: string; before: Buffer; after: Buffer }[] | undefined;
      if (options.fix || options.fixDryRun) {
        const [apply, plan] = await Promise.all([import('../../fix/apply.js'), import('../../fix/plan.js')]);
        // A dry run keeps each pass's texts in memory and lints them, as --fix would lint the written files.
        const overlay = new Map<string, Buffer>();
        const original = new Map<string, Buffer>();
        for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
          const fixes = result.findings.filter((f) => f.fix && (!options.quiet || f.severity === 'error')).map((f) => f.fix!);
          if (fixes.length === 0) break;
          const preview = await apply.previewPlan(tree.root, plan.planFixes(fixes), options.fixDryRun ? overlay : undefined);
          if (options.fixDryRun) {
            const changedNow = preview.filter((p) => !p.before.equals(p.after));
            if (changedNow.length === 0) break;
            for (const p of changedNow) {
              if (!original.has(p.file)) original.set(p.file, p.before);
              overlay.set(p.file, p.after);
            }
            result = await prepared.run(overlay);
            continue;
          }
          // Uncommitted changes are fixed as they are: pre-commit hands lint the files being committed.
          const { commitChangeSet, changeOf } = await import('../../fix/commit.js');
          const { written } = await commitChangeSet({ root: tree.root, files: preview.map(changeOf), uncommitted: { refuse: false }, shown: tree.shown });
          if (written.length === 0) break;
          fixedFiles = [...new Set([...fixedFiles, ...written])];
          result = await prepared.run();
        }
        if (options.fixDryRun) {
          dryRun = [...original]
            .map(([file, before]) => ({ file: tree.shown(file), before, after: overlay.get(file)! }))
            .filter((f) => !f.before.equals(f.after))
            .sort((a, b) => a.file.localeCompare(b.file));
        }
      }
      if (dryRun && options.format !== 'json') {
        // The diff comes first, then the report of what would remain; on stderr when stdout is a machine's report.
        const { unifiedDiff } = await import('../../fix/diff.js');
        const machine = !options.output && (options.format === 'sarif' || options.format === 'github');
        const diff = dryRun.length ? unifiedDiff(dryRun, { color: ctx.color && options.color !== false && !machine }) : '';
        if (machine) ctx.stderr(diff);
        else ctx.stdout(diff);
      }

      let findings: LintFinding[] = prepared.present(result.findings);
      if (baselineOption) {
        const baselineMod = await import('../../lint/baseline.js');
        const baselinePath = path.resolve(ctx.cwd, baselineOption);
        if (options.updateBaseline) {
          await mkdir(path.dirname(baselinePath), { recursive: true });
          await writeFile(baselinePath, baselineMod.serializeBaseline(findings));
          ctx.stderr(`portreg: wrote ${findings.length} finding${findings.length === 1 ? '' : 's'} to ${baselineOption}\n`);
          return;
        }
        const baseline = baselineMod.parseBaseline(
          await readFile(baselinePath, 'utf8').catch(() => {
            throw usageError('baseline-missing', `cannot read the baseline ${baselineOption}: write it with --update-baseline`);
          }),
          baselineOption,
        );
        findings = baselineMod.applyBaseline(findings, baseline, path.relative(tree.top, baselinePath).split(path.sep).join('/'));
        const staleSetting = config?.config.rules?.['baseline-stale'];
        if (staleSetting === 'off') findings = findings.filter((f) => f.ruleId !== 'baseline-stale');
        else if (staleSetting === 'error') findings = findings.map((f) => (f.ruleId === 'baseline-stale' ? { ...f, severity: 'error' as const } : f));
      }
      if (options.quiet) findings = findings.filter((f) => f.severity === 'error');
      if (fixedFiles.length)
        ctx.stderr(`portreg: fixed ${fixedFiles.length} file${fixedFiles.length === 1 ? '' : 's'}: ${fixedFiles.map(tree.shown).join(', ')}\n`);
      for (const s of result.skipped) ctx.stderr(`portreg: skipped ${s.ruleId}: ${s.reason}\n`);
      const fixes = dryRun && options.format === 'json' ? dryRun.map((f) => ({ file: f.file, output: f.after.toString('utf8') })) : undefined;
      await emit({ findings, skipped: result.skipped, ...(fixes ? { fixes } : {}) }, options);

      const errors = findings.filter((f) => f.severity === 'error').length;
      const warnings = findings.length - errors;
      if (errors > 0 || (options.maxWarnings !== undefined && warnings > options.maxWarnings)) process.exitCode = ExitCode.Refused;

      async function emit(input: ReportInput, opts: LintOptions): Promise<void> {
        const reporter = REPORTERS[opts.format as keyof typeof REPORTERS];
        const text = reporter(input, {
          color: ctx.color && opts.color !== false && !opts.output,
          toolVersion: toolVersion(),
          rules: ALL_RULES,
          docsBase: 'https://github.com/portreg/portreg/blob/main/',
        });
        if (opts.output) {
          // Like ESLint's -o: the report's folder is created when missing.
          const outFile = path.resolve(ctx.cwd, opts.output);
          try {
            await mkdir(path.dirname(outFile), { recursive: true });
            await writeFile(outFile, text);
          } catch (err) {
            throw usageError('output-unwritable', `cannot write the report to ${opts.output}: ${(err as Error).message}`);
          }
        } else {
          ctx.stdout(text);
        }
        if (opts.format === 'github' && ctx.env.GITHUB_STEP_SUMMARY) {
          // Awaited, so the summary is complete when the command returns and a failure is reported, not an unhandled rejection.
          const { formatStepSummary } = await import('../../report/github.js');
          const summary = formatStepSummary(input, {
            color: false,
            toolVersion: toolVersion(),
            rules: ALL_RULES,
            docsBase: 'https://github.com/portreg/portreg/blob/main/',
          });
          try {
            await writeFile(ctx.env.GITHUB_STEP_SUMMARY, summary, { flag: 'a' });
          } catch (err) {
            ctx.stderr(`portreg: warning: cannot append the step summary to GITHUB_STEP_SUMMARY (${ctx.env.GITHUB_STEP_SUMMARY}): ${(err as Error).message}\n`);
          }
        }
      }
    });
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usageError('usage', `--max-warnings takes a whole number, not "${value}"`);
  return n;
}

async function readEnvFiles(cwd: string, files: string[]): Promise<Record<string, string>> {
  const { parse } = await import('dotenv');
  const values: Record<string, string> = {};
  for (const file of files) {
    const text = await readFile(path.resolve(cwd, file), 'utf8').catch(() => {
      throw usageError('env-file-missing', `cannot read --env-file ${file}`);
    });
    Object.assign(values, parse(text));
  }
  return values;
}

let version: string | undefined;
function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
