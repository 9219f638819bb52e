/**
 * The generated TypeScript module compiles under `tsc --strict` (the real compiler API), keeps
 * literal types (`PORTS.billing.api` is 5001, not number), and gives awkward project and
 * service names (dashes, a leading digit, names that would meet as types) valid code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { tsModule } from '../../src/generate/ts.js';
import { projectViews } from '../../src/generate/view.js';
import type { Registry } from '../../src/registry/types.js';
import { tempDir } from '../helpers/cli.js';

const REGISTRY: Registry = {
  version: 1,
  projects: {
    billing: { range: { from: 5000, to: 5099 }, services: { api: { port: 5001, purpose: 'REST API' }, 'rabbitmq-management': { port: 5002, purpose: 'UI' } } },
    'web-app': { range: { from: 5100, to: 5199 }, services: { web: { port: 5100, purpose: 'Vite' } } },
    web_app: { range: { from: 5200, to: 5299 }, services: {} },
    '3d': { range: { from: 5300, to: 5399 }, services: { render: { port: 5301, purpose: 'renderer', protocol: 'udp' } } },
  },
};

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('portreg-ts-')));
afterAll(() => cleanup());

/** Diagnostics of a strict compile of the given files. */
async function compile(files: Record<string, string>): Promise<string[]> {
  const dir = path.join(root, String(Math.random()).slice(2));
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  const program = ts.createProgram(
    Object.keys(files).map((f) => path.join(dir, f)),
    {
      strict: true,
      noEmit: true,
      noUnusedLocals: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    },
  );
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('generate ts', () => {
  const text = tsModule(projectViews(REGISTRY));

  it('compiles under --strict, with literal types a consumer can rely on', async () => {
    const consumer = [
      "import { PORTS, PORT_RANGES, type BillingPorts, type WebAppPorts, type WebApp2Ports, type Project3dPorts, type ProjectName } from './ports.js';",
      'const api: 5001 = PORTS.billing.api;',
      "const ui: 5002 = PORTS.billing['rabbitmq-management'];",
      "const web: WebAppPorts['web'] = 5100;",
      'const empty: WebApp2Ports = {};',
      "const render: Project3dPorts['render'] = 5301;",
      "const names: ProjectName[] = ['billing', 'web-app', 'web_app', '3d'];",
      'const from: 5000 = PORT_RANGES.billing.from;',
      'const b: BillingPorts = PORTS.billing;',
      'export const used = [api, ui, web, empty, render, names, from, b];',
      '',
    ].join('\n');
    expect(await compile({ 'ports.ts': text, 'consumer.ts': consumer })).toEqual([]);
  });

  it('the checker does run: a wrong literal is a type error', async () => {
    const consumer = "import { PORTS } from './ports.js';\nexport const api: 5002 = PORTS.billing.api;\n";
    expect(await compile({ 'ports.ts': text, 'consumer.ts': consumer })).toEqual(["consumer.ts: Type '5001' is not assignable to type '5002'."]);
  });

  it('is plain deterministic text: same registry, same bytes; a registry with no projects still compiles', async () => {
    expect(tsModule(projectViews(structuredClone(REGISTRY)))).toBe(text);
    expect(await compile({ 'ports.ts': tsModule([]) })).toEqual([]);
  });
});
