/**
 * schemas/supervisor-ports.schema.json, reached the way a user's tooling reaches it (the
 * package's "./schemas/*" export), against the generated golden files and a project with nothing
 * allocated; and a schema that can fail: wrong documents are rejected for the right reason.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { supervisorJson } from '../../src/generate/supervisor.js';
import { projectViews } from '../../src/generate/view.js';
import type { Registry } from '../../src/registry/types.js';
import { REPO_ROOT } from '../helpers/cli.js';

const EXPECTED = path.join(import.meta.dirname, '../fixtures/generate/basic-expected');
// The package resolves itself by name through its "exports", as a dependent project would.
const schemaFile = createRequire(import.meta.url).resolve('portreg/schemas/supervisor-ports.schema.json');

async function validator() {
  return new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(await readFile(schemaFile, 'utf8')));
}

describe('schemas/supervisor-ports.schema.json', () => {
  it('is the exported file of the package', () => {
    expect(schemaFile).toBe(path.join(REPO_ROOT, 'schemas/supervisor-ports.schema.json'));
  });

  it.each(['billing', 'web-app'])('accepts the golden %s/.supervisor-specific/ports.json', async (project) => {
    const validate = await validator();
    const doc: unknown = JSON.parse(await readFile(path.join(EXPECTED, project, '.supervisor-specific/ports.json'), 'utf8'));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts a project with nothing allocated, a registry without reservations, sctp and several protocols', async () => {
    const registry: Registry = {
      version: 1,
      projects: {
        empty: { range: { from: 6000, to: 6009 } },
        mixed: {
          range: { from: 6010, to: 6019 },
          services: {
            dns: { port: 6010, purpose: 'DNS', protocol: ['tcp', 'udp'] },
            sig: { port: 6011, purpose: 'Signalling', protocol: 'sctp', env: 'SIG_PORT', containerPort: 3868 },
          },
        },
      },
    } as Registry;
    const validate = await validator();
    for (const view of projectViews(registry)) {
      const doc: unknown = JSON.parse(supervisorJson(view, registry));
      expect(validate(doc), `${view.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(JSON.parse(supervisorJson(projectViews(registry)[0]!, registry))).toMatchObject({ services: [], reserved: [] });
  });

  it('rejects what the generator never writes', async () => {
    const validate = await validator();
    const golden = JSON.parse(await readFile(path.join(EXPECTED, 'billing/.supervisor-specific/ports.json'), 'utf8')) as Record<string, unknown> & {
      services: Record<string, unknown>[];
    };
    const errors = (doc: unknown) => (validate(doc) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));

    expect(errors({ ...golden, services: [{ ...golden.services[0], port: 70000 }] })).toContain('/services/0/port must be <= 65535');
    expect(errors({ ...golden, services: [{ ...golden.services[0], protocol: 'tcp' }] })).toContain('/services/0/protocol must be array');
    const { reserved: _dropped, ...withoutReserved } = golden;
    expect(errors(withoutReserved)).toEqual([" must have required property 'reserved'"]);
    expect(errors({ ...golden, generatedAt: '2026-01-01' })).toEqual([' must NOT have additional properties']);
  });
});
