import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { MapModel } from '../../src/map/model.js';
import { runCli } from '../helpers/cli.js';
import { mapTree } from '../report/map/tree.js';

/** The model a page carries. */
function modelOf(html: string): MapModel {
  const m = /<script type="application\/json" id="portreg-map-data">(.*?)<\/script>/s.exec(html);
  if (!m) throw new Error('no model in the page');
  return JSON.parse(m[1]!) as MapModel;
}

describe('portreg map', () => {
  it('writes ports-map.html by default, with the findings lint reports, placed on their projects and ports', async () => {
    const tree = await mapTree();
    const registryBefore = await tree.read('ports.registry.json');
    const res = await runCli(['map'], { cwd: tree.root });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('wrote ports-map.html: 4 projects, 4 services, 27258 free ports in 4 free blocks, 3 errors, 2 warnings\n');
    expect(res.code).toBe(0);
    const html = await tree.read('ports-map.html');
    const model = modelOf(html);

    const lint = await runCli(['lint', '--format', 'json'], { cwd: tree.root });
    expect(lint.code).toBe(1);
    const report = JSON.parse(lint.stdout) as { findings: { ruleId: string; file: string; line: number; column: number; message: string }[] };
    expect(model.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.message])).toEqual(
      report.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.message]),
    );
    expect(model.findings.map((f) => [f.ruleId, `${f.file}:${f.line}:${f.column}`, f.project, f.port])).toEqual([
      ['port-conflict', 'billing/compose.yaml:9:10', 'billing', 5200],
      ['port-foreign', 'billing/compose.yaml:9:10', 'billing', 5200],
      ['port-out-of-range', 'billing/compose.yaml:13:10', 'billing', 5250],
      ['port-unowned', 'billing/README.md:3:23', 'billing', 5109],
      // In the registry: placed on the service entry its line lies in.
      ['registry-unused', 'ports.registry.json:121:19', 'billing', 5102],
    ]);
    expect(model.projects.map((p) => [p.name, p.range.from, p.marks.map((m) => `${m.port}${m.registered ? '' : '?'}${m.flagged ? '!' : ''}`)])).toEqual([
      ['billing', 5100, ['5101', '5102!', '5200?!', '5250?!']],
      ['shop', 5200, ['5200']],
      ['evil', 5300, ['5301']],
      ['ops', 5400, []],
    ]);
    // The folder named with markup: the file found and attributed, its path kept as written.
    expect(model.projects[2]!.marks[0]!.places).toEqual([{ file: 'apps/<script>evil/compose.yaml', line: 5, column: 10 }]);
    // 5000 is only to avoid (free); 5600-5609 and 8000-8099 keep every project out.
    expect(model.free).toEqual([
      { from: 5000, to: 5099 },
      { from: 5500, to: 5599 },
      { from: 5610, to: 7999 },
      { from: 8100, to: 32767 },
    ]);
    // The map changes nothing it reads.
    expect(await tree.read('ports.registry.json')).toBe(registryBefore);
  });

  it('escapes every text from the registry and the tree: the page has only its own two scripts', async () => {
    const tree = await mapTree();
    expect((await runCli(['map', '-o', 'out/map.html'], { cwd: tree.root })).code).toBe(0);
    const html = await tree.read('out/map.html');
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<img');
    // In the model (JSON in the page): < > & as \u escapes; in the markup: entities.
    expect(html).toContain('"description":"\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e \\u0026 co"');
    expect(html).toContain('<td>&lt;/script&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt;</td>');
    expect(html).toContain('<td>apps/&lt;script&gt;evil</td>');
    // The model still says exactly what the registry says.
    expect(modelOf(html).projects[1]!.description).toBe('<script>window.__pwned=1</script> & co');
  });

  it('--format svg writes ports-map.svg; -o - prints to stdout the same bytes', async () => {
    const tree = await mapTree();
    const res = await runCli(['map', '--format', 'svg'], { cwd: tree.root });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('wrote ports-map.svg: 4 projects, 4 services, 27258 free ports in 4 free blocks, 3 errors, 2 warnings\n');
    const svg = await tree.read('ports-map.svg');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="200"')).toBe(true);
    expect(svg.match(/<g class="project[ "]/g)).toHaveLength(4);
    expect(svg).not.toContain('<script');
    const piped = await runCli(['map', '--format', 'svg', '-o', '-'], { cwd: tree.root });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(svg);
  });

  it('an unreadable registry: its problem on stderr, exit 2, no file', async () => {
    const tree = await mapTree();
    await writeFile(tree.path('ports.registry.json'), '{ "version": 1, "projects": ');
    const res = await runCli(['map', '--no-color'], { cwd: tree.root });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^ports\.registry\.json\n {2}1:\d+ +error {2}.+\n/);
    expect(res.stderr.endsWith('portreg: the registry cannot be read, so there is no map: fix the problems above (portreg registry check)\n')).toBe(true);
    await expect(readFile(tree.path('ports-map.html'))).rejects.toThrow(/ENOENT/);
  });

  it('a usage error: an unknown format is refused with exit 2', async () => {
    const tree = await mapTree();
    const res = await runCli(['map', '--format', 'png'], { cwd: tree.root });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("option '--format <format>' argument 'png' is invalid. Allowed choices are html, svg.");
  });
});
