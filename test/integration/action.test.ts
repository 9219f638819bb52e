/**
 * The GitHub Action's lint step (scripts/action-lint.sh), run the way the runner runs a
 * composite action's step: inputs as INPUT_* variables, GITHUB_ACTION_PATH at this repository,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and the working directory at the checkout.
 * Needs the built CLI (npm test builds it first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, runCli, tempDir, testEnv } from '../helpers/cli.js';
import { git, gitInitCommit } from '../helpers/git.js';

const FLEET_DIR = path.join(import.meta.dirname, '../fixtures/lint/fleet');
const SCRIPT = path.join(REPO_ROOT, 'scripts/action-lint.sh');
const NOW = '2026-11-25T12:00:00Z';

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let base: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => {
  ({ dir: base, cleanup } = await tempDir('portreg-action-'));
});
afterAll(() => cleanup());

async function folder(name: string): Promise<string> {
  const dir = path.join(base, `${n++}-${name}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The caller's git and GitHub variables stay out: the step sees only what the runner would set. */
function cleared(): Record<string, undefined> {
  return Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => /^(GIT_|GITHUB_|INPUT_|RUNNER_)/.test(k))
      .map((k) => [k, undefined]),
  );
}

/** A checkout: the files in a git repository with one commit. */
async function checkout(dir: string, files: () => Promise<unknown>): Promise<string> {
  await files();
  gitInitCommit(dir);
  return dir;
}

function runStep(cwd: string, inputs: Record<string, string>, github: Record<string, string>): Promise<StepResult> {
  const env = testEnv({ ...cleared(), PORTREG_NOW: NOW, GITHUB_ACTIONS: 'true', GITHUB_ACTION_PATH: REPO_ROOT, ...github, ...inputs });
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The runner's per-step files, empty as GitHub creates them, outside the checkout. */
async function runnerFiles(): Promise<{ dir: string; output: string; summary: string }> {
  const dir = await folder('runner');
  const output = path.join(dir, 'github_output');
  const summary = path.join(dir, 'step_summary');
  await writeFile(output, '');
  await writeFile(summary, '');
  return { dir, output, summary };
}

describe('the GitHub Action lint step', () => {
  it('on the fleet: exit 1, annotations on stdout, SARIF written and named in GITHUB_OUTPUT, Markdown in the step summary', async () => {
    const repo = await folder('fleet');
    await checkout(repo, () => cp(FLEET_DIR, repo, { recursive: true }));
    const runner = await runnerFiles();
    const sarifFile = path.join(runner.dir, 'out.sarif');

    const r = await runStep(
      repo,
      { INPUT_FORMAT: 'github', INPUT_SARIF_FILE: sarifFile, INPUT_MAX_WARNINGS: '', INPUT_REGISTRY: '' },
      { GITHUB_OUTPUT: runner.output, GITHUB_STEP_SUMMARY: runner.summary },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');

    // Exactly what `portreg lint --format github` prints: 10 error and 10 warning annotations, a notice, the full list.
    const cli = await runCli(['lint', '--format', 'github'], { cwd: repo, env: { ...cleared(), PORTREG_NOW: NOW } });
    expect(r.stdout).toBe(cli.stdout);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('::error file='))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::warning file='))).toHaveLength(10);
    expect(lines[0]).toBe(
      '::error file=billing/.env.example,line=1,endLine=1,col=10,endColumn=14,title=portreg env-drift::API_PORT is 5001 in billing/.env.example, but registered as 5002 for service "api" of project "billing"',
    );
    expect(lines).toContain(
      '::notice title=portreg::4 more errors not annotated: GitHub shows at most 10 errors and 10 warnings per step. The full list of 24 problems follows in the log.',
    );
    expect(lines.at(-2)).toBe('portreg: 14 errors, 10 warnings');

    const sarif = JSON.parse(await readFile(sarifFile, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.name).toBe('portreg');
    expect(sarif.runs[0].results).toHaveLength(24);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('billing/.env.example');

    expect(await readFile(runner.output, 'utf8')).toBe(`sarif-file=${sarifFile}\n`);

    const markdown = await runCli(['lint', '--format', 'markdown'], { cwd: repo, env: { ...cleared(), PORTREG_NOW: NOW } });
    const summary = await readFile(runner.summary, 'utf8');
    expect(summary.startsWith('### portreg: 14 errors, 10 warnings\n\n| Severity | Rule | File | Line | Message |\n')).toBe(true);
    expect(summary).toBe(markdown.stdout);
  });

  it('max-warnings: warnings alone pass, and fail beyond the limit; a relative sarif-file is given back as an absolute path', async () => {
    const repo = await folder('warnings');
    await checkout(repo, async () => {
      await writeFile(
        path.join(repo, 'ports.registry.json'),
        JSON.stringify(
          {
            version: 1,
            projects: {
              app: {
                range: { from: 5100, to: 5199 },
                path: 'app',
                services: { api: { port: 5101, purpose: 'API' }, worker: { port: 5102, purpose: 'Worker' } },
              },
            },
          },
          null,
          2,
        ) + '\n',
      );
      await mkdir(path.join(repo, 'app'));
      await writeFile(path.join(repo, 'app/compose.yaml'), 'services:\n  api:\n    ports:\n      - "5101:8080"\n');
    });
    const warning =
      'ports.registry.json:16:19 warning service "worker" of project "app" holds port 5102, but no compose file or env template of the project uses it: release it (portreg release --project app --service worker) or use it (registry-unused)';

    const lenient = await runnerFiles();
    const ok = await runStep(
      repo,
      { INPUT_FORMAT: 'github', INPUT_SARIF_FILE: 'reports/portreg.sarif', INPUT_MAX_WARNINGS: '' },
      { GITHUB_OUTPUT: lenient.output, GITHUB_STEP_SUMMARY: lenient.summary },
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')).toContain(warning);
    expect(await readFile(lenient.output, 'utf8')).toBe(`sarif-file=${path.join(repo, 'reports/portreg.sarif')}\n`);
    expect(JSON.parse(await readFile(path.join(repo, 'reports/portreg.sarif'), 'utf8')).runs[0].results).toHaveLength(1);

    const strict = await runnerFiles();
    const failed = await runStep(
      repo,
      { INPUT_FORMAT: 'github', INPUT_SARIF_FILE: '', INPUT_MAX_WARNINGS: '0' },
      { GITHUB_OUTPUT: strict.output, GITHUB_STEP_SUMMARY: strict.summary },
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout.split('\n')).toContain(warning);
    expect(await readFile(strict.output, 'utf8')).toBe('');
    expect(await readFile(strict.summary, 'utf8')).toMatch(/^### portreg: 0 errors, 1 warning\n/);
  });

  it('a configuration error: exit 2 with the message, and no SARIF file named in GITHUB_OUTPUT', async () => {
    const repo = await folder('bad-config');
    await checkout(repo, async () => {
      await cp(FLEET_DIR, repo, { recursive: true });
      await writeFile(path.join(repo, 'portreg.config.json'), '{ "rules": { "no-such-rule": "off" } }\n');
    });
    const runner = await runnerFiles();
    const sarifFile = path.join(runner.dir, 'out.sarif');
    const r = await runStep(
      repo,
      { INPUT_FORMAT: 'github', INPUT_SARIF_FILE: sarifFile, INPUT_MAX_WARNINGS: '' },
      { GITHUB_OUTPUT: runner.output, GITHUB_STEP_SUMMARY: runner.summary },
    );
    expect(r).toEqual({
      code: 2,
      // The configuration error is an annotation too, so the run's page shows it, not only its log.
      stdout: '::error file=portreg.config.json,line=1,col=14,title=portreg::unknown rule "no-such-rule" (see docs/rules/README.md for the list)\n',
      stderr: `portreg: no SARIF report was written to ${sarifFile} (see the errors below)\nportreg: portreg.config.json:1:14: unknown rule "no-such-rule" (see docs/rules/README.md for the list)\n`,
    });
    expect(existsSync(sarifFile)).toBe(false);
    expect(await readFile(runner.output, 'utf8')).toBe('');
  });
  it('changed-since: only the files changed since the merge base are reported, in the log and in the SARIF file', async () => {
    const repo = await folder('changed-since');
    await checkout(repo, () => cp(FLEET_DIR, repo, { recursive: true }));
    git(repo, 'branch', 'base');
    const compose = path.join(repo, 'web/compose.yaml');
    await writeFile(compose, `${await readFile(compose, 'utf8')}# a change in the pull request\n`);
    git(repo, 'commit', '-q', '-am', 'change web');
    const runner = await runnerFiles();
    const sarifFile = path.join(runner.dir, 'out.sarif');

    const r = await runStep(
      repo,
      { INPUT_FORMAT: 'github', INPUT_SARIF_FILE: sarifFile, INPUT_MAX_WARNINGS: '', INPUT_CHANGED_SINCE: 'base' },
      { GITHUB_OUTPUT: runner.output, GITHUB_STEP_SUMMARY: runner.summary },
    );
    const cli = await runCli(['lint', '--format', 'github', '--changed-since', 'base'], { cwd: repo, env: { ...cleared(), PORTREG_NOW: NOW } });
    expect(r).toEqual({ code: cli.code, stdout: cli.stdout, stderr: cli.stderr });
    expect(r.code).toBe(1);
    const annotated = r.stdout.split('\n').filter((l) => /^::(error|warning) file=/.test(l));
    expect(annotated.length).toBeGreaterThan(0);
    expect(annotated.every((l) => l.includes('file=web/compose.yaml,'))).toBe(true);
    // Without the input, the whole fleet is reported: more than the one file.
    const whole = await runCli(['lint', '--format', 'github'], { cwd: repo, env: { ...cleared(), PORTREG_NOW: NOW } });
    expect(whole.stdout).toContain('file=billing/');

    const sarif = JSON.parse(await readFile(sarifFile, 'utf8'));
    const uris = new Set(
      sarif.runs[0].results.map(
        (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0]!.physicalLocation.artifactLocation.uri,
      ),
    );
    expect([...uris]).toEqual(['web/compose.yaml']);
  });
});
