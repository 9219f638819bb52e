/**
 * The map page as people open it: the HTML `portreg map` writes, opened from a file in headless
 * Chromium with every network request blocked. Skipped, with the reason, where there is no Chromium.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMapHtml } from '../../../src/report/map/html.js';
import { chromiumMissing, launchChromium } from '../../helpers/chromium.js';
import { runCli } from '../../helpers/cli.js';
import { smallModel } from './fixture.js';
import { MAP_PROJECTS, mapTree } from './tree.js';

const missing = chromiumMissing();
if (missing) console.warn(`test/report/map/page.test.ts skipped: ${missing}`);

interface Opened {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every request the page made (the document itself included). */
  requests: string[];
  /** Requests the route blocked: anything that is not the file itself. */
  blocked: string[];
}

describe.skipIf(missing !== null)(`the map page in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let browser: Browser;
  let pageUrl: string;
  let svgUrl: string;
  let smallUrl: string;

  beforeAll(async () => {
    const tree = await mapTree();
    const html = await runCli(['map'], { cwd: tree.root });
    expect(html.code).toBe(0);
    const svg = await runCli(['map', '--format', 'svg'], { cwd: tree.root });
    expect(svg.code).toBe(0);
    pageUrl = pathToFileURL(tree.path('ports-map.html')).href;
    svgUrl = pathToFileURL(tree.path('ports-map.svg')).href;
    await writeFile(tree.path('small.html'), renderMapHtml(smallModel()));
    smallUrl = pathToFileURL(tree.path('small.html')).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(url: string): Promise<Opened> {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 }, deviceScaleFactor: 1 });
    const opened: Opened = { page: await context.newPage(), context, errors: [], requests: [], blocked: [] };
    await context.route('**/*', (route) => {
      const request = route.request().url();
      if (request === url) return route.continue();
      opened.blocked.push(request);
      return route.abort();
    });
    context.on('request', (r) => void opened.requests.push(r.url()));
    opened.page.on('console', (m) => {
      if (m.type() === 'error') opened.errors.push(m.text());
    });
    opened.page.on('pageerror', (e) => void opened.errors.push(e.message));
    opened.page.on('dialog', (d) => {
      opened.errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await opened.page.goto(url, { waitUntil: 'load' });
    return opened;
  }

  const bandProjects = (page: Page) => page.$$eval('#band g.project', (gs) => gs.map((g) => g.getAttribute('data-project')));
  const visibleRows = (page: Page) =>
    page.$$eval('#projects tbody tr', (rows) => rows.filter((r) => !r.hasAttribute('hidden')).map((r) => r.getAttribute('data-project')));

  it('opens offline: no request but the file itself, no console error, one block per project', async () => {
    const { page, context, errors, requests, blocked } = await open(pageUrl);
    expect(await bandProjects(page)).toEqual(MAP_PROJECTS);
    expect(await page.textContent('#view-range')).toBe('ports 5000-32767');
    expect(await page.$$eval('#findings li', (lis) => lis.length)).toBe(5);
    expect(requests).toEqual([pageUrl]);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the offline check itself sees a request: a page that asks for an image is caught', async () => {
    const leaky = new URL('leaky.html', pageUrl);
    await writeFile(leaky, '<!doctype html><title>leaky</title><img src="http://127.0.0.1:9/x.png">');
    const { context, requests, blocked } = await open(leaky.href);
    expect(blocked).toEqual(['http://127.0.0.1:9/x.png']);
    expect(requests).toEqual([leaky.href, 'http://127.0.0.1:9/x.png']);
    await context.close();
  });

  it('clicking a project zooms the band to its range and lists its services and findings', async () => {
    const { page, context, errors } = await open(pageUrl);
    await page.click('#band g.project[data-project="billing"]');
    expect(await page.textContent('#view-range')).toBe('ports 5090-5209');
    expect(await page.textContent('#details h2')).toBe('billing 5100-5199');
    expect(await page.$$eval('#details table.services tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)))).toEqual([
      ['api', '5101', 'tcp', 'API', 'API_PORT'],
      ['db', '5102', 'tcp', 'Postgres', ''],
    ]);
    expect(await page.$$eval('#details ul.findings li .where', (els) => els.map((e) => e.textContent))).toEqual([
      'billing/compose.yaml:9:10',
      'billing/compose.yaml:9:10',
      'billing/compose.yaml:13:10',
      'billing/README.md:3:23',
      'ports.registry.json:121:19',
    ]);
    // Zoomed: the first tick is the view's start, billing's block spans most of the band, and its neighbour shop shows at the edge.
    expect(await page.$eval('#band .tick-label', (t) => t.textContent)).toBe('5090');
    const block = (await page.locator('#band g.project[data-project="billing"] rect').boundingBox())!;
    expect(block.width).toBeGreaterThan(1000);
    expect(await bandProjects(page)).toEqual(['billing', 'shop']);
    expect(await page.$eval('#projects tr.selected', (r) => r.getAttribute('data-project'))).toBe('billing');
    // Back to the whole space.
    await page.click('#zoom-reset');
    expect(await page.textContent('#view-range')).toBe('ports 5000-32767');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('clicking a row of the table selects the project too; the wheel zooms in around the pointer', async () => {
    const { page, context, errors } = await open(pageUrl);
    // A short window, the table scrolled to: the click brings the band back into view.
    await page.setViewportSize({ width: 1300, height: 300 });
    await page.locator('#projects tbody tr[data-project="ops"]').scrollIntoViewIfNeeded();
    const bandTop = () => page.evaluate(`document.getElementById('band').getBoundingClientRect().top`) as Promise<number>;
    expect(await bandTop()).toBeLessThan(0);
    await page.click('#projects tbody tr[data-project="ops"]');
    expect(await bandTop()).toBeGreaterThanOrEqual(0);
    expect(await bandTop()).toBeLessThan(300);
    await page.setViewportSize({ width: 1300, height: 900 });
    expect(await page.textContent('#details h2')).toBe('ops 5400-5499');
    expect(await page.textContent('#details .services-none')).toBe('No services registered.');
    expect(await page.textContent('#view-range')).toBe('ports 5390-5509');
    const band = (await page.locator('#band').boundingBox())!;
    await page.mouse.move(band.x + band.width / 2, band.y + 60);
    await page.mouse.wheel(0, -100);
    await expect.poll(() => page.textContent('#view-range')).not.toBe('ports 5390-5509');
    const [from, to] = (await page.textContent('#view-range'))!.replace('ports ', '').split('-').map(Number);
    expect(to! - from!).toBeLessThan(5509 - 5390);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the filter hides the other projects: blocks, rows and findings', async () => {
    const { page, context, errors } = await open(pageUrl);
    await page.fill('#filter', 'shop');
    expect(await bandProjects(page)).toEqual(['shop']);
    expect(await visibleRows(page)).toEqual(['shop']);
    expect(await page.textContent('#filter-count')).toBe('1 of 4 projects');
    expect(await page.$$eval('#findings li', (lis) => lis.filter((li) => !li.hasAttribute('hidden')).length)).toBe(0);
    // A port finds the project whose range holds it; a service name its project.
    await page.fill('#filter', '5301');
    expect(await visibleRows(page)).toEqual(['evil']);
    await page.fill('#filter', 'postgres');
    expect(await bandProjects(page)).toEqual(['billing']);
    expect(await page.$$eval('#findings li', (lis) => lis.filter((li) => !li.hasAttribute('hidden')).length)).toBe(5);
    await page.fill('#filter', '');
    expect(await bandProjects(page)).toEqual(MAP_PROJECTS);
    expect(await visibleRows(page)).toEqual(MAP_PROJECTS);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a screenshot shows the band: project, free and background pixels in their colours', async () => {
    const { page, context } = await open(pageUrl);
    await page.click('#band g.project[data-project="billing"]');
    const shot = await page.screenshot();
    const billing = (await page.locator('#band g.project[data-project="billing"] rect').boundingBox())!;
    const free = (await page.locator('#band rect.free').first().boundingBox())!;
    const band = (await page.locator('#band').boundingBox())!;
    const points = {
      billing: [billing.x + billing.width / 3, billing.y + 5],
      free: [free.x + free.width / 2, free.y + free.height / 2],
      background: [band.x + band.width / 2, band.y + 112],
      heading: [5, 5],
    };
    // Decode the PNG in a page of its own (the map's policy forbids data: images, rightly).
    const decoder = await context.newPage();
    // A string: the test's TypeScript has no DOM types; this runs in the decoder page.
    const colours = await decoder.evaluate(`(async ({ png, points }) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + png;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      const out = {};
      for (const [name, [x, y]] of Object.entries(points)) out[name] = [...g.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)];
      return out;
    })(${JSON.stringify({ png: shot.toString('base64'), points })})`);
    expect(colours).toEqual({
      billing: [0xb3, 0xcd, 0xef], // the selected block
      free: [0xe6, 0xf4, 0xea],
      background: [0xff, 0xff, 0xff],
      heading: [0xff, 0xff, 0xff],
    });
    await context.close();
  });

  it('text from the registry and the tree stays text: names, paths, descriptions, purposes, reasons', async () => {
    const { page, context, errors } = await open(pageUrl);
    await page.click('#projects tbody tr[data-project="shop"]');
    expect(await page.textContent('#details p')).toBe('<script>window.__pwned=1</script> & co');
    expect(await page.textContent('#details table.services tbody td:nth-child(4)')).toBe('<img src=x onerror="window.__pwned=2">');
    await page.click('#projects tbody tr[data-project="evil"]');
    expect(await page.textContent('#details p.path')).toBe('path: apps/<script>evil');
    expect(await page.textContent('#details ul.places li')).toBe('5301 api: apps/<script>evil/compose.yaml:5:10');
    expect(await page.textContent('#reservations tbody tr:last-child td:nth-child(3)')).toBe('</script><script>window.__pwned=3</script>');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.$$eval('script', (s) => s.length)).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a project named <script>x: its block, its title and its details, as text', async () => {
    const { page, context, errors } = await open(smallUrl);
    expect(await bandProjects(page)).toEqual(['<script>x', 'b']);
    await page.click('#projects tbody tr:first-child');
    expect(await page.textContent('#details h2')).toBe('<script>x 5000-5039');
    expect(await page.textContent('#details p.slots')).toBe('2 slots of 20 ports');
    expect(await page.$$eval('#band line.slot', (ls) => ls.length)).toBe(1);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the SVG picture opens as well-formed SVG', async () => {
    const { page, context, errors, blocked } = await open(svgUrl);
    expect(await page.evaluate('document.documentElement.tagName')).toBe('svg');
    expect(await page.$$eval('parsererror', (e) => e.length)).toBe(0);
    expect(await page.$$eval('g.project', (gs) => gs.map((g) => g.getAttribute('data-project')))).toEqual(MAP_PROJECTS);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
