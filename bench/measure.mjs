#!/usr/bin/env node
/**
 * One measurement, in its own process: `node bench/measure.mjs <baseline|scan> <root>`.
 * Prints one line of JSON on stdout:
 *   { mode, wallMs, files, ports, maxRssBytes, importMs, totalMs, ... }
 * - wallMs: the work only (after the imports), measured with performance.now();
 * - importMs: loading the modules the mode needs;
 * - totalMs: from process start (performance.timeOrigin) to the end of the work, start-up included;
 * - maxRssBytes: process.resourceUsage().maxRSS * 1024 (peak resident set of the whole process).
 *
 * baseline: fast-glob the patterns discoverFiles uses (same options), readFile each file (32 at a
 *   time, as scan does), yaml.parse the compose files; env and Markdown files are read, not parsed.
 *   Texts and parsed documents are kept until the end, as scan keeps its inventory.
 * scan: loadRegistry(<root>/ports.registry.json), then scan({ root, registry, registryDir: root }),
 *   keeping only the registry's data as the CLI does. wallMs covers both (what `portreg scan`
 *   does after start-up); registryMs and scanMs split it.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const distUrl = (p) => pathToFileURL(path.join(here, '..', 'dist', p)).href;

const [mode, rootArg] = process.argv.slice(2);
if (!['baseline', 'scan'].includes(mode) || !rootArg) {
  process.stderr.write('usage: node bench/measure.mjs <baseline|scan> <root>\n');
  process.exit(2);
}
const root = path.resolve(rootArg);
const READ_CONCURRENCY = 32;

async function baseline() {
  const t0 = performance.now();
  const [{ default: fg }, YAML, { readFile }, discover] = await Promise.all([
    import('fast-glob'),
    import('yaml'),
    import('node:fs/promises'),
    import(distUrl('scan/discover.js')),
  ]);
  const importMs = performance.now() - t0;

  const start = performance.now();
  const patterns = [discover.COMPOSE_GLOB, ...discover.ENV_TEMPLATE_GLOBS, discover.README_GLOB];
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
  const kept = [];
  let ports = 0;
  let next = 0;
  const worker = async () => {
    while (next < found.length) {
      const file = found[next++];
      const text = await readFile(path.join(root, file), 'utf8');
      if (/(?:^|\/)(?:docker-)?compose(?:\.[^/]+)?\.ya?ml$/i.test(file)) {
        const doc = YAML.parse(text, { merge: true });
        for (const s of Object.values(doc?.services ?? {})) ports += Array.isArray(s?.ports) ? s.ports.length : 0;
        kept.push(text, doc);
      } else kept.push(text);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, found.length) }, worker));
  const wallMs = performance.now() - start;
  return { wallMs, importMs, files: found.length, ports, kept: kept.length };
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
      throw new Error(`the generated registry has errors: ${loaded.findings.slice(0, 3).map((f) => f.message).join('; ')}`);
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

const out = mode === 'baseline' ? await baseline() : await scanMode();
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
