import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newRegistry } from '../../src/registry/defaults.js';
import { serializeRegistry } from '../../src/registry/serialize.js';
import type { Registry } from '../../src/registry/types.js';

/** A registry with the default reservations and the given projects, written to `dir`. */
export async function writeRegistry(dir: string, projects: Registry['projects'] = {}, extra: Partial<Registry> = {}): Promise<string> {
  const registry: Registry = { ...newRegistry('./schema.json'), projects, ...extra };
  const file = path.join(dir, 'ports.registry.json');
  await writeFile(file, serializeRegistry(registry));
  return file;
}
