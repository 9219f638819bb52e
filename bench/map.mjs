#!/usr/bin/env node
/**
 * The port map at full size: `portreg map` on the bench tree of 276 projects (the default project
 * space full of 100-port ranges, bench/generate.mjs), then the page opened in headless Chromium
 * (Debian's, as the tests use it; every request but the file blocked), a fresh context per run.
 *
 *   npm run bench:map                       # build, then 5 runs on 276 projects
 *   node bench/map.mjs --runs 9 --size 1000  # after a build
 *
 * Reports medians (min-max) of: the `portreg map` process (spawn to exit), the page's first paint
 * and first contentful paint (the Paint Timing entries, from navigation start), DOMContentLoaded
 * and load, and a click on a project (select, zoom, redraw: measured in the page around the
 * click's dispatch, which redraws synchronously). Results also go to bench/results/map-latest.json.
 */
import { readFile, stat, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { environment, fmt, here, median, runNode, table, writeResults } from './common.mjs';
import { ensureMonorepo, fullRegistryCount } from './generate.mjs';

const CLI = path.join(here, '..', 'dist', 'bundle', 'main.js');
const settings = JSON.parse(await readFile(path.join(here, '..', 'test', 'helpers', 'chromium.json'), 'utf8'));
const executablePath = process.env.PORTREG_CHROMIUM || settings.executablePath;

function parseArgs(argv) {
  const opts = { runs: 5, size: fullRegistryCount() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--runs') opts.runs = Number(value());
    else if (a === '--size') opts.size = Number(value());
    else usage(`unknown option ${a}`);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs takes a whole number');
  if (!Number.isInteger(opts.size) || opts.size < 1) usage('--size takes a whole number');
  return opts;
}

function usage(message) {
  process.stderr.write(`${message}\nusage: node bench/map.mjs [--runs 5] [--size 276]\n`);
  process.exit(2);
}

const spread = (xs) => `${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  try {
    await stat(executablePath);
  } catch {
    usage(`no Chromium at ${executablePath}: install Debian's chromium or set PORTREG_CHROMIUM`);
  }
  const { chromium } = await import('playwright-core');
  const tree = await ensureMonorepo(opts.size);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'portreg-map-bench-'));
  const out = path.join(tmp, 'map.html');
  const loadBefore = os.loadavg();
  const browser = await chromium.launch({ executablePath, args: settings.args });
  const runs = [];
  try {
    // One untimed run of each first: the file cache and the browser warm up.
    await runNode([CLI, 'map', '-o', out], { cwd: tree.root });
    for (let i = 0; i <= opts.runs; i++) {
      const { processMs } = await runNode([CLI, 'map', '-o', out], { cwd: tree.root });
      const page = await openPage(browser, pathToFileURL(out).href);
      if (i > 0) runs.push({ mapMs: processMs, ...page });
    }
  } finally {
    await browser.close();
  }
  const bytes = (await stat(out)).size;
  await rm(tmp, { recursive: true, force: true });
  const loadAfter = os.loadavg();

  const keys = [
    ['mapMs', 'portreg map (process)'],
    ['firstPaintMs', 'first paint'],
    ['firstContentfulPaintMs', 'first contentful paint'],
    ['domContentLoadedMs', 'DOMContentLoaded'],
    ['loadMs', 'load'],
    ['clickMs', 'click a project (zoom + redraw)'],
  ];
  const rows = [['measure', 'median ms', 'min-max']];
  const summary = {};
  for (const [k, label] of keys) {
    const xs = runs.map((r) => r[k]);
    summary[k] = median(xs);
    rows.push([label, fmt(median(xs), 1), spread(xs)]);
  }
  process.stdout.write(
    `portreg map, ${opts.size} projects (${runs[0].blocks} blocks drawn), page ${fmt(bytes / 1024)} KiB, ${opts.runs} runs, Chromium ${browser.version()}\n` +
      `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after\n\n` +
      `${table(rows)}\n`,
  );
  const file = await writeResults('map-latest.json', {
    environment: environment(),
    size: opts.size,
    runs: opts.runs,
    pageBytes: bytes,
    chromium: browser.version(),
    loadBefore,
    loadAfter,
    medians: summary,
    all: runs,
  });
  process.stdout.write(`\nresults: ${file}\n`);
}

/** One page load in a fresh context, offline; the paint timings and a click's cost. */
async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  const blocked = [];
  await context.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  const errors = [];
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  // Paint entries are recorded after the frame is presented: wait for them.
  await page.waitForFunction('performance.getEntriesByType("paint").length >= 2');
  const result = await page.evaluate(`(() => {
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    const nav = performance.getEntriesByType('navigation')[0];
    const blocks = document.querySelectorAll('#band g.project').length;
    const rows = document.querySelectorAll('#projects tbody tr');
    const target = rows[Math.floor(rows.length / 2)];
    const t0 = performance.now();
    target.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    const clickMs = performance.now() - t0;
    return {
      firstPaintMs: paint['first-paint'],
      firstContentfulPaintMs: paint['first-contentful-paint'],
      domContentLoadedMs: nav.domContentLoadedEventEnd,
      loadMs: nav.loadEventEnd,
      clickMs,
      blocks,
    };
  })()`);
  await context.close();
  if (errors.length || blocked.length) throw new Error(`the page failed: ${[...errors, ...blocked.map((u) => `requested ${u}`)].join('; ')}`);
  return result;
}

await main();
