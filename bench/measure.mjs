#!/usr/bin/env node
/**
 * One measurement, in its own process:
 *   node bench/measure.mjs <baseline|scan|lint-tree> <root>
 *   node bench/measure.mjs baseline-files <root> <folder>...   # folders relative to the root
 *   node bench/measure.mjs lint-files <root> <file>...         # files relative to the root
 * Prints one line of JSON on stdout:
 *   { mode, wallMs, files, ports, maxRssBytes, importMs, totalMs, ... }
 * - wallMs: the work only (after the imports), measured with performance.now();
 * - importMs: loading the modules the mode needs;
 * - totalMs: from process start (performance.timeOrigin) to the end of the work, start-up included;
 * - maxRssBytes: process.resourceUsage().maxRSS * 1024 (peak resident set of the whole process).
 *
 * baseline: fast-glob the patterns discoverFiles uses (same options), read each file synchronously,
 *   yaml.parse the compose files; env and Markdown files are read, not parsed. Nothing is kept once
 *   a file is done (the strongest simple floor; bench/whole.mjs measures whole processes against it).
 * baseline-files: the same, below the given folders only, with the patterns discoverFiles builds
 *   for `within`: each pattern prefixed with `<folder>/`.
 * scan: loadRegistry(<root>/ports.registry.json), then scan({ root, registry, registryDir: root }),
 *   keeping only the registry's data as the CLI does. wallMs covers both (what `portreg scan`
 *   does after start-up); registryMs and scanMs split it.
 * lint-tree: loadRegistry, then lint({ root, registry }) as `portreg lint` without files does.
 * migrate <root> <from>: `portreg migrate --from <from> --write` in this process (the command
 *   itself, through commander, with the working folder at the root); wallMs is the command's run.
 * lint-files: loadRegistry (without its semantic checks unless the registry is one of the files,
 *   as prepareLint), then lint() as `portreg lint <files>` does: `only` = the files,
 *   `partial: true`, `scan.within` = their project folders (the CLI's foldersFor, copied here).
 *   Both lint modes split wallMs into registryMs and lintMs.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const distUrl = (p) => pathToFileURL(path.join(here, '..', 'dist', p)).href;

const MODES = ['baseline', 'scan', 'baseline-files', 'lint-files', 'lint-tree', 'migrate'];
const [mode, rootArg, ...rest] = process.argv.slice(2);
if (!MODES.includes(mode) || !rootArg || ((mode.endsWith('-files') || mode === 'migrate') && rest.length === 0)) {
  process.stderr.write(`usage: node bench/measure.mjs <${MODES.join('|')}> <root> [files or folders, for the *-files modes]\n`);
  process.exit(2);
}
const root = path.resolve(rootArg);

/** @param {string[] | undefined} within folders relative to the root; the whole tree when undefined */
async function baseline(within) {
  const t0 = performance.now();
  const [{ default: fg }, YAML, { readFileSync }, discover] = await Promise.all([
    import('fast-glob'),
    import('yaml'),
    import('node:fs'),
    import(distUrl('scan/discover.js')),
  ]);
  const importMs = performance.now() - t0;

  const start = performance.now();
  const base = [discover.COMPOSE_GLOB, ...discover.ENV_TEMPLATE_GLOBS, discover.README_GLOB];
  // As discoverFiles does for `within`: each pattern below each folder.
  const patterns = within ? within.flatMap((folder) => base.map((p) => `${fg.escapePath(folder)}/${p}`)) : base;
  const found = await fg(patterns, {
    cwd: root,
    dot: true,
    ignore: ['**/node_modules/**', '**/.git/**'],
    followSymbolicLinks: false,
    onlyFiles: true,
    caseSensitiveMatch: false,
    suppressErrors: true,
    unique: true,
  });
  // The strongest simple floor: synchronous reads (cheaper per file than readFile's round trips
  // through the thread pool), nothing kept once a file is done.
  let ports = 0;
  for (const file of found) {
    const text = readFileSync(path.join(root, file), 'utf8');
    if (/(?:^|\/)(?:docker-)?compose(?:\.[^/]+)?\.ya?ml$/i.test(file)) {
      const doc = YAML.parse(text, { merge: true });
      for (const s of Object.values(doc?.services ?? {})) ports += Array.isArray(s?.ports) ? s.ports.length : 0;
    }
  }
  const wallMs = performance.now() - start;
  return { wallMs, importMs, files: found.length, ports };
}

async function scanMode() {
  const t0 = performance.now();
  const [{ scan }, { loadRegistry, hasErrors }] = await Promise.all([import(distUrl('scan/scan.js')), import(distUrl('registry/load.js'))]);
  const importMs = performance.now() - t0;

  const start = performance.now();
  // Like `portreg scan`, keep only the data: the JsonDocument (positions of every JSON node, for
  // messages) becomes garbage once the registry is checked.
  const { registry, registryFindings } = await (async () => {
    const loaded = await loadRegistry(path.join(root, 'ports.registry.json'));
    if (!loaded.data || hasErrors(loaded.findings)) {
      throw new Error(
        `the generated registry has errors: ${loaded.findings
          .slice(0, 3)
          .map((f) => f.message)
          .join('; ')}`,
      );
    }
    return { registry: loaded.data, registryFindings: loaded.findings.length };
  })();
  const registryMs = performance.now() - start;
  const s = performance.now();
  const result = await scan({ root, registry, registryDir: root });
  const end = performance.now();
  const byRule = {};
  for (const f of result.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  return {
    wallMs: end - start,
    registryMs,
    scanMs: end - s,
    importMs,
    files: result.files.length,
    ports: result.ports.length,
    stacks: result.stacks.length,
    findings: result.findings.length,
    findingsByRule: byRule,
    registryFindings,
  };
}

/** The CLI's foldersFor (src/cli/commands/lint.ts, not exported): each file's project folder, or its own folder. */
function foldersFor(files, registry, root, registryDir, registryFileName) {
  const folders = new Set();
  const projectPaths = Object.values(registry.projects)
    .map((p) => p.path)
    .filter(Boolean)
    .map((p) => path.relative(root, path.resolve(registryDir, p)).split(path.sep).join('/'));
  for (const f of files) {
    if (f.endsWith(registryFileName)) continue;
    const owner = projectPaths.filter((p) => f === p || f.startsWith(p + '/')).sort((a, b) => b.length - a.length)[0];
    folders.add(owner ?? path.posix.dirname(f));
  }
  return [...folders];
}

/** @param {string[] | undefined} files relative to the root: lint-files; undefined: lint-tree */
async function lintMode(files) {
  const t0 = performance.now();
  const [{ lint }, { loadRegistry }, { REGISTRY_FILE_NAME }] = await Promise.all([
    import(distUrl('lint/lint.js')),
    import(distUrl('registry/load.js')),
    import(distUrl('registry/types.js')),
  ]);
  const importMs = performance.now() - t0;

  const start = performance.now();
  const registryPath = path.join(root, REGISTRY_FILE_NAME);
  // As prepareLint: the registry's semantic checks run only when the report covers the registry file.
  const semantics = !files || files.includes(REGISTRY_FILE_NAME);
  const registry = await loadRegistry(registryPath, { now: new Date(), cwd: root, semantics });
  if (!registry.data)
    throw new Error(
      `the generated registry does not load: ${registry.findings
        .slice(0, 3)
        .map((f) => f.message)
        .join('; ')}`,
    );
  const registryMs = performance.now() - start;
  // As the CLI: `only` and `within` when files are given; `within` is left out when the registry
  // itself is one of them.
  const only = files ? new Set(files) : undefined;
  const within = only && !only.has(REGISTRY_FILE_NAME) ? foldersFor(files, registry.data, root, path.dirname(registryPath), REGISTRY_FILE_NAME) : undefined;
  const l = performance.now();
  const result = await lint({ root, registry, scan: { extraEnv: {}, ...(within ? { within } : {}) }, ...(only ? { only } : {}), partial: Boolean(files) });
  const end = performance.now();
  const byRule = {};
  for (const f of result.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  return {
    wallMs: end - start,
    registryMs,
    lintMs: end - l,
    importMs,
    files: result.scan.files.length,
    ports: result.scan.ports.length,
    findings: result.findings.length,
    findingsByRule: byRule,
    skipped: result.skipped.map((s) => s.ruleId),
    ...(within ? { within } : {}),
  };
}

/** `portreg migrate --from <from> --write`, in process: the command's own code, its output captured. */
async function migrateMode(from) {
  const t0 = performance.now();
  const [{ migrateCommand }] = await Promise.all([import(distUrl('cli/commands/migrate.js'))]);
  // The rewrite engine loads when the command runs; load it here so wallMs is the work.
  await Promise.all([import(distUrl('rewrite/run.js')), import(distUrl('rewrite/workspace.js')), import(distUrl('rewrite/previous-registry.js'))]);
  const importMs = performance.now() - t0;
  let stdout = '';
  let stderr = '';
  const ctx = { cwd: root, env: { ...process.env, CI: '1' }, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false, now: () => new Date() };
  const start = performance.now();
  await migrateCommand(ctx).exitOverride().parseAsync(['--from', from, '--write'], { from: 'user' });
  const wallMs = performance.now() - start;
  const wrote = /wrote (\d+) files?/.exec(stderr);
  if (!wrote) throw new Error(`migrate wrote nothing:\n${stderr.slice(-2000)}`);
  return { wallMs, importMs, filesWritten: Number(wrote[1]), moves: stdout.trim().split('\n').length - 2 };
}

const out =
  mode === 'migrate'
    ? await migrateMode(rest[0])
    : mode === 'baseline'
      ? await baseline()
      : mode === 'baseline-files'
        ? await baseline(rest)
        : mode === 'scan'
          ? await scanMode()
          : await lintMode(mode === 'lint-files' ? rest : undefined);
const totalMs = performance.now();
const usage = process.resourceUsage();
const mem = process.memoryUsage();
process.stdout.write(
  JSON.stringify({
    mode,
    root,
    ...out,
    totalMs,
    maxRssBytes: usage.maxRSS * 1024,
    heapUsedBytes: mem.heapUsed,
    cpuUserMs: usage.userCPUTime / 1000,
    cpuSystemMs: usage.systemCPUTime / 1000,
  }) + '\n',
);
