/**
 * `portreg lint` end to end: the built CLI (runCli) on temporary git repositories that hold a
 * copy of the fleet fixture, with exact reports, exit codes and bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { git } from '../helpers/git.js';
import { FLEET_BRIEF } from '../fixtures/lint/fleet-expected.js';

const FLEET_DIR = path.join(import.meta.dirname, '../fixtures/lint/fleet');
/** The date the fleet's expectations hold on (the registry's history and quarantine depend on it). */
const NOW = '2026-11-25T12:00:00Z';
const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// ---------------------------------------------------------------------------------------------
// The fleet's findings (test/fixtures/lint/fleet-expected.ts), plus each one's end column.

const END_COLUMNS = [14, 14, 14, 26, 14, 14, 13, 13, 14, 14, 14, 41, 14, 7, 15, 15, 33, 14, 33, 33, 12, 12, 12, 37];

interface Expected {
  file: string;
  line: number;
  column: number;
  endColumn: number;
  severity: 'error' | 'warning';
  ruleId: string;
  fixable: boolean;
  message: string;
}

const FLEET: Expected[] = FLEET_BRIEF.map((b, i) => {
  const m = /^([^:]+):(\d+):(\d+) (error|warning) ([a-z-]+)( \(fixable\))?: (.*)$/.exec(b)!;
  return {
    file: m[1]!,
    line: Number(m[2]),
    column: Number(m[3]),
    endColumn: END_COLUMNS[i]!,
    severity: m[4] as Expected['severity'],
    ruleId: m[5]!,
    fixable: Boolean(m[6]),
    message: m[7]!,
  };
});

/** The fleet test's one-line form of a finding, from a parsed JSON or SARIF report. */
interface ReportFinding {
  file: string;
  line: number;
  column: number;
  severity: string;
  ruleId: string;
  fixable: boolean;
  message: string;
}
const brief = (f: ReportFinding) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}${f.fixable ? ' (fixable)' : ''}: ${f.message}`;

/** The exact stylish report of the whole fleet (no colour: stdout is not a terminal). */
const FLEET_STYLISH = `billing/.env.example
  1:10  error    API_PORT is 5001 in billing/.env.example, but registered as 5002 for service "api" of project "billing"  env-drift
                 ↳ ports.registry.json:14:62 API_PORT of billing/api

billing/compose.override.yml
  4:10  warning  service "cache": billing/compose.override.yml adds 1 port to the 2 that billing/docker-compose.yml publishes; Compose appends them rather than replacing: write "ports: !override" to replace  compose-override-append
  4:10  error    port 5051 is not registered for project "billing": ask for a port first (portreg allocate --project billing --service cache --purpose "...")  port-unregistered

billing/docker-compose.yml
  4:22   error    API_PORT is 5001 in the default of billing/docker-compose.yml, but registered as 5002 for service "api" of project "billing"  env-drift
                  ↳ ports.registry.json:14:62 API_PORT of billing/api
  7:10   error    service "postgres" of project "billing" is registered on port 5032, but billing/docker-compose.yml gives it 5033  port-mismatch
                  ↳ ports.registry.json:15:31 registered port of billing/postgres
  10:10  error    port 5050 is not registered for project "billing": ask for a port first (portreg allocate --project billing --service cache --purpose "...")  port-unregistered
  11:9   error    host port 5100/tcp of service "cache" is also published by service "site" of project "web" (web/compose.yaml:4:23)  port-conflict
                  ↳ web/compose.yaml:4:23 also published here (5100)
  11:9   error    port 5100 is registered to service "site" of project "web", not to project "billing"  port-foreign
                  ↳ ports.registry.json:23:27 registered to web/site
  14:10  error    port 8051 is reserved: Supervisor infrastructure (8000-8099)  port-reserved
                  ↳ ports.registry.json:5:5 reservation: Supervisor infrastructure
  15:10  error    port 6000 is outside the range 5000-5099 of project "billing"  port-out-of-range
                  ↳ ports.registry.json:11:16 range of project "billing"
  15:10  warning  port 6000 is one to avoid: browsers refuse to connect to it  port-unsafe

billing/README.md
  3:37  warning  port 5001 was service "api"'s until it moved to 5002: update the mention  docs-stale

legacy/docker-compose.yml
  6:10  error    port 5250 is not registered for project "legacy": ask for a port first (portreg allocate --project legacy --service old --purpose "...")  port-unregistered
  7:7   warning  this portreg-disable comment suppresses nothing (docs-stale): remove it  unused-suppression
  8:10  warning  port 40000 is in the ephemeral range 32768-60999: an outgoing connection may hold it when the service starts  port-ephemeral
  8:10  error    port 40000 is outside the range 5200-5299 of project "legacy"  port-out-of-range
                 ↳ ports.registry.json:27:16 range of project "legacy"

ports.registry.json
  16:29  warning  service "worker" of project "billing" holds port 5040, but no compose file or env template of the project uses it: release it (portreg release --project billing --service worker) or use it  registry-unused

stray/compose.yaml
  4:10  error    host port 5100/tcp of service "x" is also published by service "cache" of project "billing" (billing/docker-compose.yml:11:9)  port-conflict
                 ↳ billing/docker-compose.yml:11:9 also published here (5100)

web/compose.yaml
  5:29  warning  SITE_ADMIN_PORT is used here but web/.env.example does not list it  env-undocumented
  5:29  error    port 5101 is not registered for project "web": ask for a port first (portreg allocate --project web --service site --purpose "...")  port-unregistered
  6:10  warning  port 22 is below 1024: binding it needs root or CAP_NET_BIND_SERVICE  port-privileged
  6:10  error    port 22 is reserved: SSH (22)  port-reserved
                 ↳ ports.registry.json:4:5 reservation: SSH
  6:10  warning  port 22 is one to avoid: browsers refuse to connect to it  port-unsafe
  8:33  warning  refers to service "api" of project "billing" on port 5001, but it moved to 5002  reference-stale
                 ↳ ports.registry.json:14:26 billing/api now

✖ 24 problems (14 errors, 10 warnings)
  3 errors and 3 warnings potentially fixable with the \`--fix\` option.
`;

/** `--format github`: at most 10 annotations of each severity, a notice for the rest, then every finding as a plain line. */
function githubReport(findings: Expected[], skipped: string[] = []): string {
  const annotation = (f: Expected) =>
    `::${f.severity} file=${f.file},line=${f.line},endLine=${f.line},col=${f.column},endColumn=${f.endColumn},title=portreg ${f.ruleId}::${f.message}`;
  const errors = findings.filter((f) => f.severity === 'error');
  const warnings = findings.filter((f) => f.severity === 'warning');
  const annotated = findings.filter((f) => (f.severity === 'error' ? errors : warnings).indexOf(f) < 10);
  const lines = annotated.map(annotation);
  const moreErrors = Math.max(0, errors.length - 10);
  if (moreErrors > 0 || warnings.length > 10) {
    expect(warnings.length).toBeLessThanOrEqual(10); // the fixture's case; the wording below covers errors only
    lines.push(
      `::notice title=portreg::${moreErrors} more error${moreErrors === 1 ? '' : 's'} not annotated: GitHub shows at most 10 errors and 10 warnings per step. The full list of ${findings.length} problems follows in the log.`,
    );
  }
  for (const f of findings) lines.push(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.message} (${f.ruleId})`);
  for (const s of skipped) lines.push(`portreg: ${s} did not run: needs the whole tree: run portreg lint without files`);
  const e = errors.length;
  const w = warnings.length;
  lines.push(`portreg: ${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

/** `--format markdown`, and the step summary: a heading with the counts and one table row per finding. */
function markdownReport(findings: Expected[]): string {
  const e = findings.filter((f) => f.severity === 'error').length;
  const w = findings.length - e;
  const rows = findings.map((f) => `| ${f.severity} | ${f.ruleId} | ${f.file} | ${f.line} | ${f.message.replace(/_/g, '\\_')} |`);
  return (
    [
      `### portreg: ${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`,
      '',
      '| Severity | Rule | File | Line | Message |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n') + '\n'
  );
}

const PARTIAL_SKIPPED = ['port-conflict', 'reference-stale', 'port-unowned', 'registry-unused'];
/** One line, however many rules were skipped: pre-commit prints it on every commit. */
const SKIPPED_STDERR = `portreg: skipped ${PARTIAL_SKIPPED.join(', ')}: needs the whole tree: run portreg lint without files\n`;

// ---------------------------------------------------------------------------------------------
// Temporary git repositories.

let base: string;
let cleanup: () => Promise<void>;
let n = 0;
/** One fleet repository for the tests that only read it; each CLI run on it is made once. */
let shared: string;
const sharedRuns = new Map<string, Promise<CliResult>>();
beforeAll(async () => {
  ({ dir: base, cleanup } = await tempDir('portreg-lint-cli-'));
  shared = await fleetRepo();
});
afterAll(() => cleanup());

function lintShared(args: string[]): Promise<CliResult> {
  const key = JSON.stringify(args);
  if (!sharedRuns.has(key)) sharedRuns.set(key, lint(shared, args));
  return sharedRuns.get(key)!;
}

/** No GIT_* variable of the caller (a git hook sets GIT_DIR and GIT_INDEX_FILE) reaches the CLI (nor git: helpers/git.ts). */
const GIT_ENV_CLEARED: Record<string, undefined> = Object.fromEntries(
  Object.keys(process.env)
    .filter((k) => k.startsWith('GIT_'))
    .map((k) => [k, undefined]),
);

function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

function initRepo(dir: string): void {
  git(dir, 'init', '-q');
  commitAll(dir, 'initial');
}

async function folder(name: string): Promise<string> {
  const dir = path.join(base, `${n++}-${name}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** A git repository holding a copy of the fleet, at its top or in `sub`. */
async function fleetRepo(sub = ''): Promise<string> {
  const dir = await folder('fleet');
  await cp(FLEET_DIR, path.join(dir, sub), { recursive: true });
  initRepo(dir);
  return dir;
}

const CLEAN_REGISTRY = `{
  "version": 1,
  "reserved": [
    { "port": 22, "reason": "SSH" }
  ],
  "projects": {
    "app": {
      "range": { "from": 5100, "to": 5199 },
      "path": "app",
      "services": {
        "api": { "port": 5101, "purpose": "API", "env": "API_PORT" }SERVICES
      }
    }
  }
}
`;

/** A registry and a compose file that agree; `extraServices` adds registry entries (unused ones warn). */
async function cleanRepo(extraServices = ''): Promise<string> {
  const dir = await folder('clean');
  await writeFile(path.join(dir, 'ports.registry.json'), CLEAN_REGISTRY.replace('SERVICES', extraServices));
  await mkdir(path.join(dir, 'app'));
  await writeFile(path.join(dir, 'app/compose.yaml'), 'services:\n  api:\n    ports:\n      - "${API_PORT:-5101}:8080"\n');
  await writeFile(path.join(dir, 'app/.env.example'), 'API_PORT=5101\n');
  initRepo(dir);
  return dir;
}

function lint(cwd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(['lint', ...args], { cwd, env: { ...GIT_ENV_CLEARED, PORTREG_NOW: NOW, GITHUB_STEP_SUMMARY: undefined, ...env } });
}

/** sha256 of every file below `dir` except .git, by path. */
async function fileHashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) await walk(child);
      else
        out[child] = createHash('sha256')
          .update(await readFile(path.join(dir, child)))
          .digest('hex');
    }
  };
  await walk('');
  return out;
}

function changedBetween(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => before[f] !== after[f]).sort();
}

interface JsonReport {
  version: number;
  tool: { name: string; version: string };
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  skippedRules: { ruleId: string; reason: string }[];
  findings: (ReportFinding & { endLine: number; endColumn: number; related?: { file: string }[] })[];
}

const jsonSchema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas/lint-report.schema.json'), 'utf8'));
const validateJson = new Ajv({ allErrors: true, strict: true }).compile(jsonSchema);

// The official SARIF 2.1.0 schema, as the MIT-licensed @microsoft/jest-sarif package ships it
// (unicodeRegExp: false for its `language` pattern, as in test/report/sarif.test.ts).
const sarifSchemaPath = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const ajv04 = new Ajv04Module.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormatsModule.default(ajv04);
const validateSarif = ajv04.compile(JSON.parse(readFileSync(sarifSchemaPath, 'utf8')));

// ---------------------------------------------------------------------------------------------

describe('portreg lint: exit codes', () => {
  it('exits 1 on a tree with errors, with the exact stylish report and no colour', async () => {
    const r = await lintShared([]);
    expect(r).toEqual({ code: 1, signal: null, stdout: FLEET_STYLISH, stderr: '' });
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('exits 0 on a clean tree, saying in one line that it found nothing in the files it checked', async () => {
    const dir = await cleanRepo();
    // The registry, app/compose.yaml and app/.env.example.
    expect(await lint(dir, [])).toEqual({ code: 0, signal: null, stdout: '0 problems in 3 files\n', stderr: '' });
    // --quiet keeps a clean run silent, as ESLint's does.
    expect(await lint(dir, ['--quiet'])).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
    // Machine formats are unchanged: no such line in JSON.
    expect(JSON.parse((await lint(dir, ['--format', 'json'])).stdout)).toMatchObject({ findings: [] });
  });

  it('exits 0 on warnings alone, and 1 when --max-warnings is exceeded', async () => {
    const dir = await cleanRepo(',\n        "worker": { "port": 5102, "purpose": "Worker" }');
    const report = `ports.registry.json
  12:29  warning  service "worker" of project "app" holds port 5102, but no compose file or env template of the project uses it: release it (portreg release --project app --service worker) or use it  registry-unused

✖ 1 problem (0 errors, 1 warning)
`;
    expect(await lint(dir, [])).toEqual({ code: 0, signal: null, stdout: report, stderr: '' });
    expect(await lint(dir, ['--max-warnings', '1'])).toEqual({ code: 0, signal: null, stdout: report, stderr: '' });
    expect(await lint(dir, ['--max-warnings', '0'])).toEqual({ code: 1, signal: null, stdout: report, stderr: '' });
    expect(await lint(dir, ['--max-warnings', 'many'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'portreg: --max-warnings takes a whole number, not "many"\n',
    });
  });

  it('--quiet reports errors only', async () => {
    const r = await lintShared(['--quiet', '--format', 'github']);
    expect(r).toEqual({ code: 1, signal: null, stdout: githubReport(FLEET.filter((f) => f.severity === 'error')), stderr: '' });
    // Warnings alone, quietened, pass.
    const clean = await cleanRepo(',\n        "worker": { "port": 5102, "purpose": "Worker" }');
    expect(await lint(clean, ['--quiet', '--max-warnings', '0'])).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
  });

  it('exits 2 on an unknown --format', async () => {
    expect(await lintShared(['--format', 'xml'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "portreg: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are stylish, json, sarif, github, markdown.\n",
    });
  });

  it('exits 2 on an unknown rule id in portreg.config.json, naming the file, line and column', async () => {
    const dir = await fleetRepo();
    await writeFile(path.join(dir, 'portreg.config.json'), '{\n  "rules": {\n    "port-unsafe": "off",\n    "port-unsafety": "warn"\n  }\n}\n');
    const expected = {
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'portreg: portreg.config.json:4:5: unknown rule "port-unsafety" (did you mean "port-unsafe"? see docs/rules/README.md for the list)\n',
    };
    expect(await lint(dir, [])).toEqual(expected);
  });

  it("reports the registry's own errors when the report covers the registry file, and only then", async () => {
    const dir = await cleanRepo(',\n        "worker": { "port": 5101, "purpose": "Worker" }');
    const duplicate =
      'ports.registry.json\n' +
      '  12:29  error    port 5101/tcp of service "worker" of project "app" is already given to service "api" of project "app"  registry-port-duplicate\n' +
      '                  ↳ ports.registry.json:11:26 first allocation of 5101/tcp\n';
    const named = await lint(dir, ['ports.registry.json']);
    expect([named.code, named.stdout]).toEqual([1, duplicate + '\n✖ 1 problem (1 error, 0 warnings)\n']);
    const root = await lint(dir, ['.']);
    expect([root.code, root.stdout]).toEqual([1, duplicate + '\n✖ 1 problem (1 error, 0 warnings)\n']);
    expect((await lint(dir, [])).stdout).toContain(duplicate);
    // A lint of another file (a pre-commit run that does not touch the registry) reports nothing of it.
    const other = await lint(dir, ['app/compose.yaml']);
    expect([other.code, other.stdout]).toEqual([0, '0 problems in 1 file\n']);
  });

  it('exits 2 on a registry that is not JSON, printing the registry findings', async () => {
    const dir = await fleetRepo();
    await writeFile(path.join(dir, 'ports.registry.json'), '{\n  "version": 1,\n  "projects": {\n');
    expect(await lint(dir, [])).toEqual({
      code: 2,
      signal: null,
      stdout: "ports.registry.json\n  4:1  error    JSON syntax error: '}' expected  registry-parse\n\n✖ 1 problem (1 error, 0 warnings)\n",
      stderr: '',
    });
    const json = await lint(dir, ['--format', 'json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(validateJson(report)).toBe(true);
    expect(report.findings.map(brief)).toEqual(["ports.registry.json:4:1 error registry-parse: JSON syntax error: '}' expected"]);
  });
});

describe('portreg lint: formats', () => {
  it('json: valid by schemas/lint-report.schema.json, with every finding and the counts', async () => {
    const r = await lintShared(['--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(validateJson(report) ? [] : validateJson.errors).toEqual([]);
    expect(report).toMatchObject({
      version: 1,
      tool: { name: 'portreg', version: VERSION },
      errorCount: 14,
      warningCount: 10,
      fixableErrorCount: 3,
      fixableWarningCount: 3,
      skippedRules: [],
    });
    expect(report.findings.map(brief)).toEqual(FLEET_BRIEF);
    expect(report.findings.map((f) => f.endColumn)).toEqual(END_COLUMNS);
    expect(r.stdout.endsWith('}\n')).toBe(true);
  });

  it('sarif: valid SARIF 2.1.0 by the official schema, one result per finding with repository-relative URIs', async () => {
    const r = await lintShared(['--format', 'sarif']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log) ? [] : validateSarif.errors).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].tool.driver.name).toBe('portreg');
    expect(log.runs[0].tool.driver.version).toBe(VERSION);
    type Result = {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endColumn: number } } }[];
    };
    const results = (log.runs[0].results as Result[]).map((res) => {
      const loc = res.locations[0]!.physicalLocation;
      return `${loc.artifactLocation.uri}:${loc.region.startLine}:${loc.region.startColumn}-${loc.region.endColumn} ${res.level} ${res.ruleId}: ${res.message.text}`;
    });
    // A finding's related places are linked at the end of its message.
    expect(results.filter((t) => / \(related: \[[^\]]+\]\(1\)\)$/.test(t))).toHaveLength(11);
    expect(results.find((t) => t.startsWith('billing/.env.example:'))).toMatch(/ \(related: \[ports\.registry\.json:14:62\]\(1\)\)$/);
    for (let i = 0; i < results.length; i++) results[i] = results[i]!.replace(/ \(related: \[[^\]]+\]\(1\)\)$/, '');
    expect(results).toEqual(FLEET.map((f) => `${f.file}:${f.line}:${f.column}-${f.endColumn} ${f.severity} ${f.ruleId}: ${f.message}`));
  });

  it('github: ten annotations of each kind, a notice for the rest, then every finding', async () => {
    expect(await lintShared(['--format', 'github'])).toEqual({ code: 1, signal: null, stdout: githubReport(FLEET), stderr: '' });
  });

  it('markdown: a heading with the counts and a table of every finding', async () => {
    expect(await lintShared(['--format', 'markdown'])).toEqual({ code: 1, signal: null, stdout: markdownReport(FLEET), stderr: '' });
  });

  it('-o FILE writes each format to the file (relative to the working folder, creating its folder) and prints nothing', async () => {
    const out = await folder('reports');
    for (const format of ['stylish', 'json', 'sarif', 'github', 'markdown']) {
      const printed = await lintShared(['--format', format]);
      const file = path.join(path.relative(shared, out), format, 'report.txt');
      const written = await lint(shared, ['--format', format, '-o', file]);
      expect(written, format).toEqual({ code: 1, signal: null, stdout: '', stderr: '' });
      expect(await readFile(path.join(out, format, 'report.txt'), 'utf8'), format).toBe(printed.stdout);
    }
    expect(await readFile(path.join(out, 'stylish/report.txt'), 'utf8')).toBe(FLEET_STYLISH);
  });

  it('github with GITHUB_STEP_SUMMARY appends the Markdown summary to that file', async () => {
    const summary = path.join(await folder('summary'), 'step_summary.md');
    await writeFile(summary, '## an earlier step\n');
    const r = await lint(shared, ['--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
    expect(r).toEqual({ code: 1, signal: null, stdout: githubReport(FLEET), stderr: '' });
    expect(await readFile(summary, 'utf8')).toBe('## an earlier step\n' + markdownReport(FLEET));
  });

  it('a step summary that cannot be written is a warning; a report that cannot be written is exit 2', async () => {
    const blocked = await folder('blocked'); // a folder where a file is expected
    const r = await lint(shared, ['--format', 'github'], { GITHUB_STEP_SUMMARY: blocked });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(githubReport(FLEET));
    expect(r.stderr).toMatch(new RegExp(`^portreg: warning: cannot append the step summary to GITHUB_STEP_SUMMARY \\(${blocked}\\): EISDIR: .*\\n$`));
    const notAFolder = path.join(await folder('file-in-the-way'), 'report.txt');
    await writeFile(notAFolder, 'x');
    const o = await lint(shared, ['-o', path.join(notAFolder, 'out.txt')]);
    expect(o).toMatchObject({ code: 2, stdout: '' });
    expect(o.stderr).toMatch(new RegExp(`^portreg: cannot write the report to ${notAFolder}/out.txt: E(EXIST|NOTDIR): .*\\n$`));
  });
});

describe('portreg lint: file arguments and paths', () => {
  const BILLING_COMPOSE = FLEET.filter((f) => f.file === 'billing/docker-compose.yml' && f.ruleId !== 'port-conflict');

  it('relative and absolute file arguments give the same report, naming only the given file', async () => {
    const relative = await lintShared(['billing/docker-compose.yml', '--format', 'github']);
    expect(relative).toEqual({ code: 1, signal: null, stdout: githubReport(BILLING_COMPOSE, PARTIAL_SKIPPED), stderr: SKIPPED_STDERR });
    expect(await lintShared([path.join(shared, 'billing/docker-compose.yml'), '--format', 'github'])).toEqual(relative);
    expect(await lintShared(['./billing/../billing/docker-compose.yml', '--format', 'github'])).toEqual(relative);
  });

  it('paths are relative to the repository top, also when run from a subfolder', async () => {
    const sub = path.join(shared, 'billing');
    expect(await lint(sub, ['docker-compose.yml', '--format', 'github'])).toEqual({
      code: 1,
      signal: null,
      stdout: githubReport(BILLING_COMPOSE, PARTIAL_SKIPPED),
      stderr: SKIPPED_STDERR,
    });
    expect(await lint(sub, ['--format', 'github'])).toEqual({ code: 1, signal: null, stdout: githubReport(FLEET), stderr: '' });
  });

  it('a registry below the repository top: paths still start at the top', async () => {
    const dir = await fleetRepo('ops');
    const r = await lint(path.join(dir, 'ops/billing'), ['--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    // Messages name files the way the locations do: from the repository's top.
    const fromTop = (b: string) => `ops/${b}`.replace(/(?<=[ (])((?:billing|web|legacy|stray)\/[\w./-]+)/g, 'ops/$1');
    expect(report.findings.map(brief)).toEqual(FLEET_BRIEF.map(fromTop));
    expect(report.findings.flatMap((f) => (f.related ?? []).map((rel) => rel.file.split('/')[0]))).toEqual(Array(11).fill('ops'));
  });
});

describe('portreg lint: folders and deleted files', () => {
  it('a folder given reports on every file under it; a deleted file given is no error', async () => {
    const dir = await fleetRepo();
    const folder = await lint(dir, ['--format', 'json', 'web']);
    expect(folder.code).toBe(1);
    expect((JSON.parse(folder.stdout) as JsonReport).findings.map(brief)).toEqual(
      FLEET_BRIEF.filter((b) => b.startsWith('web/') && !b.includes(' reference-stale')),
    );
    expect(folder.stderr).toBe(SKIPPED_STDERR);
    git(dir, 'rm', '-q', 'stray/compose.yaml');
    // The deleted file is in no report: nothing was checked.
    expect(await lint(dir, ['stray/compose.yaml'])).toEqual({ code: 0, signal: null, stdout: '0 problems in 0 files\n', stderr: SKIPPED_STDERR });
  });

  it('a file that does not exist, and that git never had, is a usage error naming it (exit 2)', async () => {
    const dir = await fleetRepo();
    expect(await lint(dir, ['no-such-file.yml'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: `portreg: cannot lint no-such-file.yml: no such file or folder (relative to ${dir}), and git has no such file at HEAD; name an existing file, or give no files to lint everything\n`,
    });
    // Deleted in the working tree only (not staged): git still has it at HEAD, a deletion to commit.
    await rm(path.join(dir, 'web/compose.yaml'));
    expect((await lint(dir, ['web/compose.yaml'])).code).toBe(0);
  });
});

describe('portreg lint --json', () => {
  it('is --format json, as on every command', async () => {
    const dir = await fleetRepo();
    const [json, format] = await Promise.all([lint(dir, ['--json', 'web']), lint(dir, ['--format', 'json', 'web'])]);
    expect(json.code).toBe(1);
    expect(json).toEqual(format);
    expect((JSON.parse(json.stdout) as JsonReport).findings.length).toBeGreaterThan(0);
    const both = await lint(dir, ['--json', '--format', 'sarif']);
    const message = '--json is short for --format json: give one of --json and --format sarif';
    // With --json, errors are JSON on stdout too, as on every command.
    expect([both.code, JSON.parse(both.stdout), both.stderr]).toEqual([2, { error: { code: 'usage', message } }, `portreg: ${message}\n`]);
  });
});

describe('portreg lint --fix', () => {
  const FIXED = ['billing/.env.example', 'billing/README.md', 'billing/docker-compose.yml', 'web/.env.example', 'web/compose.yaml'];

  it('changes exactly the expected bytes, says which files on stderr, and a second run changes nothing', async () => {
    const dir = await fleetRepo();
    const before = await fileHashes(dir);
    const r = await lint(dir, ['--fix', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('portreg: fixed 5 files: billing/.env.example, billing/docker-compose.yml, billing/README.md, web/.env.example, web/compose.yaml\n');
    const after = await fileHashes(dir);
    expect(changedBetween(before, after)).toEqual(FIXED.sort());

    // The expectations of test/lint/fleet.test.ts, byte for byte.
    expect(await readFile(path.join(dir, 'billing/.env.example'), 'utf8')).toBe('API_PORT=5002\nDATABASE_PORT=5032\n');
    expect(await readFile(path.join(dir, 'web/.env.example'), 'utf8')).toBe('SITE_PORT=5100\nSITE_ADMIN_PORT=5101\n');
    expect(await readFile(path.join(dir, 'billing/README.md'), 'utf8')).toBe('# Billing\n\nThe API answers on http://localhost:5002/health.\n');
    const original = await readFile(path.join(FLEET_DIR, 'billing/docker-compose.yml'), 'utf8');
    expect(await readFile(path.join(dir, 'billing/docker-compose.yml'), 'utf8')).toBe(
      original.replace('"${API_PORT:-5001}:8080"', '"${API_PORT:-5002}:8080"').replace('"5033:5432"', '"5032:5432"'),
    );
    expect(await readFile(path.join(dir, 'web/compose.yaml'), 'utf8')).toBe(
      (await readFile(path.join(FLEET_DIR, 'web/compose.yaml'), 'utf8')).replace('API_URL: http://localhost:5001', 'API_URL: http://localhost:5002'),
    );

    // What is left is what was not fixable, and the port that web/.env.example now documents is still unregistered.
    const report = JSON.parse(r.stdout) as JsonReport;
    const left = FLEET_BRIEF.filter((b) => !b.includes('(fixable)'));
    left.splice(
      left.findIndex((b) => b.startsWith('web/')),
      0,
      'web/.env.example:2:17 error port-unregistered: port 5101 is not registered for project "web": ask for a port first (portreg allocate --project web --service site_admin --purpose "...")',
    );
    expect(report.findings.map(brief)).toEqual(left);
    expect(report).toMatchObject({ errorCount: 12, warningCount: 7, fixableErrorCount: 0, fixableWarningCount: 0 });

    const again = await lint(dir, ['--fix', '--format', 'json']);
    expect(again).toEqual({ code: 1, signal: null, stdout: r.stdout, stderr: '' });
    expect(await fileHashes(dir)).toEqual(after);
  });

  it('--fix-dry-run prints the changes as a unified diff, then the report of what would remain (as ESLint), and writes nothing', async () => {
    const dir = await fleetRepo();
    const before = await fileHashes(dir);
    const r = await lint(dir, ['--fix-dry-run']);
    const diff = [
      '--- a/billing/.env.example',
      '+++ b/billing/.env.example',
      '@@ -1,2 +1,2 @@',
      '-API_PORT=5001',
      '+API_PORT=5002',
      ' DATABASE_PORT=5032',
      '',
      '--- a/billing/docker-compose.yml',
      '+++ b/billing/docker-compose.yml',
      '@@ -1,10 +1,10 @@',
      ' services:',
      '   api:',
      '     ports:',
      '-      - "${API_PORT:-5001}:8080"',
      '+      - "${API_PORT:-5002}:8080"',
      '   postgres:',
      '     ports:',
      '-      - "5033:5432"',
      '+      - "5032:5432"',
      '   cache:',
      '     ports:',
      '       - "5050:6379"',
      '',
      '--- a/billing/README.md',
      '+++ b/billing/README.md',
      '@@ -1,3 +1,3 @@',
      ' # Billing',
      ' ',
      '-The API answers on http://localhost:5001/health.',
      '+The API answers on http://localhost:5002/health.',
      '',
      '--- a/web/.env.example',
      '+++ b/web/.env.example',
      '@@ -1,1 +1,2 @@',
      ' SITE_PORT=5100',
      '+SITE_ADMIN_PORT=5101',
      '',
      '--- a/web/compose.yaml',
      '+++ b/web/compose.yaml',
      '@@ -5,4 +5,4 @@',
      '       - "${SITE_ADMIN_PORT:-5101}:3001"',
      '       - "22:22"',
      '     environment:',
      '-      API_URL: http://localhost:5001',
      '+      API_URL: http://localhost:5002',
      '',
    ].join('\n');
    // What would remain: the fleet's report less the fixable findings, plus the port that
    // web/.env.example would now document, still unregistered; no fixable hint.
    const remaining =
      [
        'billing/compose.override.yml',
        '  4:10  warning  service "cache": billing/compose.override.yml adds 1 port to the 2 that billing/docker-compose.yml publishes; Compose appends them rather than replacing: write "ports: !override" to replace  compose-override-append',
        '  4:10  error    port 5051 is not registered for project "billing": ask for a port first (portreg allocate --project billing --service cache --purpose "...")  port-unregistered',
        '',
        'billing/docker-compose.yml',
        '  10:10  error    port 5050 is not registered for project "billing": ask for a port first (portreg allocate --project billing --service cache --purpose "...")  port-unregistered',
        '  11:9   error    host port 5100/tcp of service "cache" is also published by service "site" of project "web" (web/compose.yaml:4:23)  port-conflict',
        '                  ↳ web/compose.yaml:4:23 also published here (5100)',
        '  11:9   error    port 5100 is registered to service "site" of project "web", not to project "billing"  port-foreign',
        '                  ↳ ports.registry.json:23:27 registered to web/site',
        '  14:10  error    port 8051 is reserved: Supervisor infrastructure (8000-8099)  port-reserved',
        '                  ↳ ports.registry.json:5:5 reservation: Supervisor infrastructure',
        '  15:10  error    port 6000 is outside the range 5000-5099 of project "billing"  port-out-of-range',
        '                  ↳ ports.registry.json:11:16 range of project "billing"',
        '  15:10  warning  port 6000 is one to avoid: browsers refuse to connect to it  port-unsafe',
        '',
        'legacy/docker-compose.yml',
        '  6:10  error    port 5250 is not registered for project "legacy": ask for a port first (portreg allocate --project legacy --service old --purpose "...")  port-unregistered',
        '  7:7   warning  this portreg-disable comment suppresses nothing (docs-stale): remove it  unused-suppression',
        '  8:10  warning  port 40000 is in the ephemeral range 32768-60999: an outgoing connection may hold it when the service starts  port-ephemeral',
        '  8:10  error    port 40000 is outside the range 5200-5299 of project "legacy"  port-out-of-range',
        '                 ↳ ports.registry.json:27:16 range of project "legacy"',
        '',
        'ports.registry.json',
        '  16:29  warning  service "worker" of project "billing" holds port 5040, but no compose file or env template of the project uses it: release it (portreg release --project billing --service worker) or use it  registry-unused',
        '',
        'stray/compose.yaml',
        '  4:10  error    host port 5100/tcp of service "x" is also published by service "cache" of project "billing" (billing/docker-compose.yml:11:9)  port-conflict',
        '                 ↳ billing/docker-compose.yml:11:9 also published here (5100)',
        '',
        'web/.env.example',
        '  2:17  error    port 5101 is not registered for project "web": ask for a port first (portreg allocate --project web --service site_admin --purpose "...")  port-unregistered',
        '',
        'web/compose.yaml',
        '  5:29  error    port 5101 is not registered for project "web": ask for a port first (portreg allocate --project web --service site --purpose "...")  port-unregistered',
        '  6:10  warning  port 22 is below 1024: binding it needs root or CAP_NET_BIND_SERVICE  port-privileged',
        '  6:10  error    port 22 is reserved: SSH (22)  port-reserved',
        '                 ↳ ports.registry.json:4:5 reservation: SSH',
        '  6:10  warning  port 22 is one to avoid: browsers refuse to connect to it  port-unsafe',
        '',
        '✖ 19 problems (12 errors, 7 warnings)',
      ].join('\n') + '\n';
    expect(r).toEqual({ code: 1, signal: null, stdout: diff + remaining, stderr: '' });
    expect(await fileHashes(dir)).toEqual(before);
    // The diff applies: git takes it as a patch, and the result is what --fix writes.
    const patch = path.join(dir, '..', `${path.basename(dir)}.patch`);
    await writeFile(patch, diff);
    git(dir, 'apply', patch);
    const patched = await fileHashes(dir);
    const fixedCopy = await fleetRepo();
    const fixed = await lint(fixedCopy, ['--fix']);
    expect(await fileHashes(fixedCopy)).toEqual(patched);
    // And the report is the one --fix prints after writing.
    expect(fixed.stdout).toBe(remaining);
  });

  it('--fix-dry-run --format json: the remaining findings, and each changed file\'s fixed text in "fixes" (ESLint\'s output)', async () => {
    const dir = await fleetRepo();
    const before = await fileHashes(dir);
    const r = await lint(dir, ['--fix-dry-run', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(await fileHashes(dir)).toEqual(before);
    const report = JSON.parse(r.stdout) as JsonReport & { fixes: { file: string; output: string }[] };
    expect(validateJson(report)).toBe(true);
    const fixedCopy = await fleetRepo();
    const fixed = await lint(fixedCopy, ['--fix', '--format', 'json']);
    const { fixes, ...rest } = report;
    expect(rest).toEqual(JSON.parse(fixed.stdout));
    expect(fixes.map((f) => f.file)).toEqual([
      'billing/.env.example',
      'billing/docker-compose.yml',
      'billing/README.md',
      'web/.env.example',
      'web/compose.yaml',
    ]);
    for (const f of fixes) expect(f.output).toBe(await readFile(path.join(fixedCopy, f.file), 'utf8'));
  });

  it('--fix-dry-run --format sarif: the diff on stderr, so stdout stays a valid SARIF log of what would remain', async () => {
    const dir = await fleetRepo();
    const [dry, text] = await Promise.all([lint(dir, ['--fix-dry-run', '--format', 'sarif']), lint(dir, ['--fix-dry-run'])]);
    expect(dry.code).toBe(1);
    const diff = text.stdout.slice(0, text.stdout.indexOf('billing/compose.override.yml\n'));
    expect(diff.startsWith('--- a/billing/.env.example\n')).toBe(true);
    expect(dry.stderr).toBe(diff);
    const log = JSON.parse(dry.stdout) as { runs: { results: unknown[] }[] };
    expect(validateSarif(log)).toBe(true);
    expect(log.runs[0]!.results).toHaveLength(19);
  });

  it('fixes a staged file as pre-commit gives it: no refusal of uncommitted changes (unlike reassign), the index left as staged', async () => {
    const dir = await fleetRepo();
    const file = path.join(dir, 'billing/docker-compose.yml');
    const staged = '# being changed in this commit\n' + (await readFile(file, 'utf8'));
    await writeFile(file, staged);
    git(dir, 'add', 'billing/docker-compose.yml');
    const r = await lint(dir, ['--fix', 'billing/docker-compose.yml']);
    expect(r.code).toBe(1); // what --fix cannot fix remains
    expect(r.stderr.split('\n')[0]).toBe('portreg: fixed 1 file: billing/docker-compose.yml');
    expect(r.stderr).not.toContain('uncommitted');
    expect(await readFile(file, 'utf8')).toBe(staged.replace('"${API_PORT:-5001}:8080"', '"${API_PORT:-5002}:8080"').replace('"5033:5432"', '"5032:5432"'));
    // The fix is in the working tree for the user (or pre-commit, which then fails the commit) to stage.
    expect(git(dir, 'show', ':billing/docker-compose.yml')).toBe(staged);
    expect(git(dir, 'status', '--porcelain', '--', 'billing')).toBe('MM billing/docker-compose.yml\n');
  });

  it('--fix-dry-run on a clean tree prints no diff, only the line that nothing was found, and exits 0', async () => {
    const dir = await cleanRepo();
    expect(await lint(dir, ['--fix-dry-run'])).toEqual({ code: 0, signal: null, stdout: '0 problems in 3 files\n', stderr: '' });
  });
});

describe('portreg lint --changed-since', () => {
  /** The fleet, then a second commit that changes two files. */
  async function twoCommits(): Promise<string> {
    const dir = await fleetRepo();
    const legacy = path.join(dir, 'legacy/docker-compose.yml');
    await writeFile(legacy, (await readFile(legacy, 'utf8')).replace('"5250:80"', '"5251:80"'));
    await writeFile(path.join(dir, 'billing/README.md'), '# Billing\n\nThe API answers on http://localhost:5001/health.\nIt also has a status page.\n');
    commitAll(dir, 'second');
    return dir;
  }

  it('reports only on the files changed since the merge base', async () => {
    const dir = await twoCommits();
    const r = await lint(dir, ['--changed-since', 'HEAD~1', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(SKIPPED_STDERR);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.map(brief)).toEqual([
      'billing/README.md:3:37 warning docs-stale (fixable): port 5001 was service "api"\'s until it moved to 5002: update the mention',
      'legacy/docker-compose.yml:6:10 error port-unregistered: port 5251 is not registered for project "legacy": ask for a port first (portreg allocate --project legacy --service old --purpose "...")',
      'legacy/docker-compose.yml:7:7 warning unused-suppression: this portreg-disable comment suppresses nothing (docs-stale): remove it',
      'legacy/docker-compose.yml:8:10 warning port-ephemeral: port 40000 is in the ephemeral range 32768-60999: an outgoing connection may hold it when the service starts',
      'legacy/docker-compose.yml:8:10 error port-out-of-range: port 40000 is outside the range 5200-5299 of project "legacy"',
    ]);
    expect(report.skippedRules.map((s) => s.ruleId)).toEqual(PARTIAL_SKIPPED);
    // Uncommitted changes count too.
    await writeFile(path.join(dir, 'stray/compose.yaml'), 'services:\n  x:\n    ports:\n      - "8051:80"\n');
    const dirty = JSON.parse((await lint(dir, ['--changed-since', 'HEAD', '--format', 'json'])).stdout) as JsonReport;
    expect(dirty.findings.map(brief)).toEqual(['stray/compose.yaml:4:10 error port-reserved: port 8051 is reserved: Supervisor infrastructure (8000-8099)']);
  });

  it('on a shallow clone without the merge base: exit 2, pointing at fetch-depth: 0', async () => {
    const dir = await twoCommits();
    const clone = await folder('shallow');
    git(base, 'clone', '-q', '--depth', '1', `file://${dir}`, clone);
    expect(git(clone, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    expect(await lint(clone, ['--changed-since', 'HEAD~1'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        'portreg: --changed-since HEAD~1: this clone is shallow and does not have the merge base of HEAD~1 and HEAD; fetch the history (in GitHub Actions: actions/checkout with fetch-depth: 0) and run again\n',
    });
  });
});

describe('portreg lint --baseline', () => {
  it('accepts the baselined findings, and reports a baseline entry that no longer matches', async () => {
    const dir = await fleetRepo();
    const update = await lint(dir, ['--baseline', '.portreg/baseline.json', '--update-baseline']);
    expect(update).toEqual({ code: 0, signal: null, stdout: '', stderr: 'portreg: wrote 24 findings to .portreg/baseline.json\n' });
    const baseline = JSON.parse(await readFile(path.join(dir, '.portreg/baseline.json'), 'utf8')) as { version: number; entries: { count: number }[] };
    expect(baseline.version).toBe(1);
    expect(baseline.entries.reduce((sum, e) => sum + e.count, 0)).toBe(24);

    expect(await lint(dir, ['--baseline', '.portreg/baseline.json'])).toEqual({ code: 0, signal: null, stdout: '0 problems in 9 files\n', stderr: '' });

    // Fix one baselined problem by hand: its entry is now stale.
    const compose = path.join(dir, 'billing/docker-compose.yml');
    await writeFile(compose, (await readFile(compose, 'utf8')).replace('"5033:5432"', '"5032:5432"'));
    const r = await lint(dir, ['--baseline', '.portreg/baseline.json', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.map(brief)).toEqual([
      '.portreg/baseline.json:1:1 warning baseline-stale: the baseline accepts 1 port-mismatch finding in billing/docker-compose.yml (billing|postgres|5033) that no longer occurs: run --update-baseline',
    ]);
    // A stale baseline fails a run that allows no warnings.
    expect((await lint(dir, ['--baseline', '.portreg/baseline.json', '--max-warnings', '0'])).code).toBe(1);
    expect(existsSync(path.join(dir, '.portreg/baseline.json'))).toBe(true);
  });
});

describe('portreg lint: a changed registry widens the report to the projects whose entries changed', () => {
  const TWO_PROJECTS = `{
  "version": 1,
  "projects": {
    "app": {
      "range": { "from": 5100, "to": 5199 },
      "path": "app",
      "services": {
        "api": { "port": 5101, "purpose": "API", "env": "API_PORT" }
      }
    },
    "other": {
      "range": { "from": 5200, "to": 5299 },
      "path": "other",
      "services": {
        "web": { "port": 5201, "purpose": "site" }
      }
    }
  }
}
`;

  /** Two projects; `other` has a finding of its own (an unregistered port) that a change to app's entry must not bring in. */
  async function twoProjects(): Promise<string> {
    const dir = await folder('widen');
    await writeFile(path.join(dir, 'ports.registry.json'), TWO_PROJECTS);
    await mkdir(path.join(dir, 'app'));
    await writeFile(path.join(dir, 'app/compose.yaml'), 'services:\n  api:\n    ports:\n      - "${API_PORT:-5101}:8080"\n');
    await writeFile(path.join(dir, 'app/.env.example'), 'API_PORT=5101\n');
    await mkdir(path.join(dir, 'other'));
    await writeFile(path.join(dir, 'other/compose.yaml'), 'services:\n  web:\n    ports:\n      - "5201:80"\n      - "5250:81"\n');
    initRepo(dir);
    return dir;
  }

  /** What a hand edit of app's port to 5102 leaves stale in app's files. */
  const APP_STALE = [
    'app/.env.example:1:10 error env-drift (fixable): API_PORT is 5101 in app/.env.example, but registered as 5102 for service "api" of project "app"',
    'app/compose.yaml:4:22 error env-drift (fixable): API_PORT is 5101 in the default of app/compose.yaml, but registered as 5102 for service "api" of project "app"',
  ];

  it("pre-commit with only the staged registry named: the findings in that project's files, none of the other project", async () => {
    const dir = await twoProjects();
    const registry = path.join(dir, 'ports.registry.json');
    await writeFile(registry, TWO_PROJECTS.replace('"port": 5101', '"port": 5102'));
    git(dir, 'add', 'ports.registry.json');
    const r = await lint(dir, ['--format', 'json', 'ports.registry.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('portreg: ports.registry.json changed the entries of app: reporting on their files too\n' + SKIPPED_STDERR);
    expect((JSON.parse(r.stdout) as JsonReport).findings.map(brief)).toEqual(APP_STALE);
    // Named from a subfolder (as lint-staged names files, absolute) it is the same.
    const abs = await runCli(['lint', '--format', 'json', registry], { cwd: path.join(dir, 'other'), env: { ...GIT_ENV_CLEARED, PORTREG_NOW: NOW } });
    expect(abs.stdout).toBe(r.stdout);
    // An unchanged registry named alone reports on the registry alone.
    git(dir, 'commit', '-q', '-m', 'move the api');
    expect(await lint(dir, ['ports.registry.json'])).toEqual({ code: 0, signal: null, stdout: '0 problems in 1 file\n', stderr: SKIPPED_STDERR });
  });

  it('--changed-since: the registry differs from the merge base, so the changed project is reported', async () => {
    const dir = await twoProjects();
    await writeFile(path.join(dir, 'ports.registry.json'), TWO_PROJECTS.replace('"port": 5101', '"port": 5102'));
    commitAll(dir, 'move the api in the registry only');
    const r = await lint(dir, ['--format', 'json', '--changed-since', 'HEAD~1']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as JsonReport).findings.map(brief)).toEqual(APP_STALE);
    expect(r.stderr).toBe('portreg: ports.registry.json changed the entries of app: reporting on their files too\n' + SKIPPED_STDERR);
  });

  it("a project's range moved: its files are reported; a new reservation reports on every file", async () => {
    const dir = await twoProjects();
    // other's range moves away from its ports: every port of other is now out of range.
    await writeFile(
      path.join(dir, 'ports.registry.json'),
      TWO_PROJECTS.replace('"from": 5200, "to": 5299', '"from": 5300, "to": 5399').replace('"port": 5201', '"port": 5301'),
    );
    const moved = await lint(dir, ['--format', 'json', 'ports.registry.json']);
    expect((JSON.parse(moved.stdout) as JsonReport).findings.map(brief)).toEqual([
      'other/compose.yaml:4:10 error port-mismatch (fixable): service "web" of project "other" is registered on port 5301, but other/compose.yaml gives it 5201',
      'other/compose.yaml:5:10 error port-mismatch (fixable): service "web" of project "other" is registered on port 5301, but other/compose.yaml gives it 5250',
    ]);
    // A reservation concerns every project: every file is reported on.
    await writeFile(
      path.join(dir, 'ports.registry.json'),
      TWO_PROJECTS.replace('"version": 1,', '"version": 1,\n  "reserved": [{ "port": 5250, "reason": "legacy proxy" }],'),
    );
    const reserved = await lint(dir, ['--format', 'json', 'ports.registry.json']);
    expect(reserved.stderr).toBe(
      'portreg: ports.registry.json changed in what every project is held to (or is new): reporting on every file\n' + SKIPPED_STDERR,
    );
    expect((JSON.parse(reserved.stdout) as JsonReport).findings.map(brief)).toEqual([
      'other/compose.yaml:5:10 error port-reserved: port 5250 is reserved: legacy proxy (5250)',
      'ports.registry.json:13:16 error registry-range-reserved: range 5200-5299 of project "other" holds reserved port 5250 (legacy proxy)',
    ]);
  });
});
