import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, usageError } from '../../errors.js';
import { checkRuleIds, findConfig, type LoadedConfig } from '../../config/load-config.js';
import { loadRegistry } from '../../registry/load.js';
import { locateRegistry } from '../../registry/locate.js';
import { generateSettings } from '../../generate/settings.js';
import { REGISTRY_FILE_NAME } from '../../registry/types.js';
import type { CommandContext } from '../context.js';
import type { LintFinding, LintResult } from '../../lint/lint.js';

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
}

const FORMATS = ['stylish', 'json', 'sarif', 'github', 'markdown'];
const MAX_FIX_PASSES = 10;

export function lintCommand(ctx: CommandContext): Command {
  return new Command('lint')
    .description('check compose files, env templates and READMEs against the registry')
    .argument('[files...]', 'report on these files only (pre-commit passes them); their projects and the registry are still read')
    .option('--registry <path>', 'the registry file (default: PORTREG_REGISTRY, the config file, or the nearest ports.registry.json upward)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--max-warnings <n>', 'exit 1 when there are more warnings than this').argParser(nonNegative))
    .option('--quiet', 'report errors only')
    .option('--fix', 'apply the fixes of fixable findings, as byte-exact edits')
    .option('--fix-dry-run', 'show the changes --fix would make, as a unified diff, and write nothing')
    .option('--changed-since <ref>', 'report on the files changed since the merge base of REF and HEAD')
    .option('--env-file <file...>', 'values for compose interpolation, over the env templates')
    .option('--baseline <file>', 'accept the findings listed in this file (see --update-baseline)')
    .option('--update-baseline', 'write the current findings to the --baseline file and exit 0')
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
      const [{ lint, knownRuleIds }, { REPORTERS }, { ALL_RULES }, git] = await Promise.all([
        import('../../lint/lint.js'),
        import('../../report/index.js'),
        import('../../rules/index.js'),
        import('../../util/git.js'),
      ]);

      // Which registry, which root, which project.
      const located = await locateRegistry({ cwd: ctx.cwd, explicit: options.registry, env: ctx.env });
      const config: LoadedConfig | undefined = located.config ?? (await findConfig(ctx.cwd));
      if (config) checkRuleIds(config, new Set(knownRuleIds()), ctx.cwd);
      // The config may name a baseline (relative to the config file); --baseline wins.
      const baselineOption = options.baseline ?? (config?.config.baseline ? path.relative(ctx.cwd, path.resolve(path.dirname(config.file), config.config.baseline)) : undefined);
      if (options.updateBaseline && !baselineOption) throw usageError('usage', '--update-baseline needs --baseline FILE (or "baseline" in portreg.config.json)');
      const registry = await loadRegistry(located.path, { now: ctx.now(), cwd: ctx.cwd });
      const projectRepo = located.source === 'config' && config?.config.project ? config.config.project : undefined;
      const root = projectRepo && config ? path.dirname(config.file) : path.dirname(located.path);
      const top = (await git.gitTopLevel(root)) ?? root;
      const shown = (rootRelative: string) => path.relative(top, path.join(root, rootRelative)).split(path.sep).join('/');

      const scanExtras = {
        include: config?.config.include,
        exclude: config?.config.exclude,
        docs: config?.config.docs,
        envFiles: config?.config.envFiles,
        extraEnv: await readEnvFiles(ctx.cwd, options.envFile ?? []),
      };

      // Scope: the files given (or changed), as paths relative to the root.
      let given = files.map((f) => path.relative(root, path.resolve(ctx.cwd, f)).split(path.sep).join('/'));
      if (options.changedSince) {
        const changed = await git.changedSince(options.changedSince, root);
        given = [...given, ...changed.map((f) => path.relative(root, path.join(top, f)).split(path.sep).join('/'))];
      }
      const partial = files.length > 0 || Boolean(options.changedSince) || Boolean(projectRepo);
      const registryRel = path.relative(root, located.path).split(path.sep).join('/');
      const only = files.length > 0 || options.changedSince ? new Set(given) : undefined;
      const within = only && registry.data && !only.has(registryRel) ? foldersFor(given, registry.data, root, path.dirname(located.path)) : undefined;

      if (!registry.data) {
        // Not JSON or not the schema: the rules cannot run; report what is wrong with the registry.
        const findings = registry.findings.map((f) => ({ ...f, file: shown(registryRel), fixable: false }));
        await emit({ findings, skipped: [] }, options);
        process.exitCode = ExitCode.Usage;
        return;
      }

      const run = () =>
        lint({
          root,
          registry,
          rules: config?.config.rules,
          scan: { ...scanExtras, ...(within ? { within } : {}), ...(projectRepo ? { project: projectRepo } : {}) },
          ...(only ? { only } : {}),
          partial,
          show: shown,
          generate: generateSettings(config, root),
        });

      let result: LintResult = await run();
      let fixedFiles: string[] = [];
      if (options.fix || options.fixDryRun) {
        const [apply, plan, diff] = await Promise.all([import('../../fix/apply.js'), import('../../fix/plan.js'), import('../../fix/diff.js')]);
        const fix = { ...apply, ...plan, ...diff };
        for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
          const fixes = result.findings.filter((f) => f.fix && (!options.quiet || f.severity === 'error')).map((f) => f.fix!);
          if (fixes.length === 0) break;
          const plan = fix.planFixes(fixes);
          const preview = await fix.previewPlan(root, plan);
          if (options.fixDryRun) {
            ctx.stdout(fix.unifiedDiff(preview.map((p) => ({ ...p, file: shown(p.file) })), { color: ctx.color && options.color !== false }));
            break;
          }
          const written = await fix.writeAll(root, preview);
          if (written.length === 0) break;
          fixedFiles = [...new Set([...fixedFiles, ...written])];
          result = await run();
        }
      }

      let findings: LintFinding[] = result.findings.map((f) => ({ ...f, file: shown(f.file), related: f.related?.map((r) => ({ ...r, file: shown(r.file) })) }));
      if (baselineOption) {
        const baselineMod = await import('../../lint/baseline.js');
        const baselinePath = path.resolve(ctx.cwd, baselineOption);
        if (options.updateBaseline) {
          await mkdir(path.dirname(baselinePath), { recursive: true });
          await writeFile(baselinePath, baselineMod.serializeBaseline(findings));
          ctx.stderr(`portreg: wrote ${findings.length} finding${findings.length === 1 ? '' : 's'} to ${baselineOption}\n`);
          return;
        }
        const baseline = baselineMod.parseBaseline(await readFile(baselinePath, 'utf8').catch(() => {
          throw usageError('baseline-missing', `cannot read the baseline ${baselineOption}: write it with --update-baseline`);
        }), baselineOption);
        findings = baselineMod.applyBaseline(findings, baseline, path.relative(top, baselinePath).split(path.sep).join('/'));
        const staleSetting = config?.config.rules?.['baseline-stale'];
        if (staleSetting === 'off') findings = findings.filter((f) => f.ruleId !== 'baseline-stale');
        else if (staleSetting === 'error') findings = findings.map((f) => (f.ruleId === 'baseline-stale' ? { ...f, severity: 'error' as const } : f));
      }
      if (options.quiet) findings = findings.filter((f) => f.severity === 'error');
      if (fixedFiles.length) ctx.stderr(`portreg: fixed ${fixedFiles.length} file${fixedFiles.length === 1 ? '' : 's'}: ${fixedFiles.map(shown).join(', ')}\n`);
      for (const s of result.skipped) ctx.stderr(`portreg: skipped ${s.ruleId}: ${s.reason}\n`);
      await emit({ findings, skipped: result.skipped }, options);

      const errors = findings.filter((f) => f.severity === 'error').length;
      const warnings = findings.length - errors;
      if (errors > 0 || (options.maxWarnings !== undefined && warnings > options.maxWarnings)) process.exitCode = ExitCode.Refused;

      async function emit(input: { findings: LintFinding[]; skipped: LintResult['skipped'] }, opts: LintOptions): Promise<void> {
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
          const summary = formatStepSummary(input, { color: false, toolVersion: toolVersion(), rules: ALL_RULES, docsBase: 'https://github.com/portreg/portreg/blob/main/' });
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

/** The folders a partial lint reads: each given file's project folder (or its own folder). */
function foldersFor(files: string[], registry: { projects: Record<string, { path?: string }> }, root: string, registryDir: string): string[] {
  const folders = new Set<string>();
  const projectPaths = Object.values(registry.projects)
    .map((p) => p.path)
    .filter((p): p is string => Boolean(p))
    .map((p) => path.relative(root, path.resolve(registryDir, p)).split(path.sep).join('/'));
  for (const f of files) {
    if (f.endsWith(REGISTRY_FILE_NAME)) continue;
    const owner = projectPaths.filter((p) => f === p || f.startsWith(p + '/')).sort((a, b) => b.length - a.length)[0];
    folders.add(owner ?? path.posix.dirname(f));
  }
  return [...folders];
}

let version: string | undefined;
function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

