import { describe, expect, it } from 'vitest';
import { withNullPrototypeMaps, type Registry } from '../../src/registry/types.js';

describe('withNullPrototypeMaps', () => {
  it('keeps every entry, in order, in the same objects, and leaves no prototype to find names in', () => {
    const registry = JSON.parse(
      '{"version": 1, "projects": {"b": {"range": {"from": 5000, "to": 5009}, "services": {"__proto__": {"port": 5001}, "api": {"port": 5002}}}, "a": {"range": {"from": 5010, "to": 5019}}}}',
    ) as Registry;
    const b = registry.projects.b!;
    const services = b.services!;
    const result = withNullPrototypeMaps(registry);
    expect(result).toBe(registry);
    expect(result.projects.b).toBe(b);
    expect(result.projects.b!.services).toBe(services);
    expect(Object.keys(result.projects)).toEqual(['b', 'a']);
    expect(Object.keys(services)).toEqual(['__proto__', 'api']);
    expect(Object.getPrototypeOf(result.projects)).toBeNull();
    expect(Object.getPrototypeOf(services)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(services, '__proto__')?.value).toEqual({ port: 5001 });
    expect(result.projects['constructor' as string]).toBeUndefined();
    expect(services['toString' as string]).toBeUndefined();
    expect(result.projects.a!.services).toBeUndefined();
    // Written afterwards, such a name is an ordinary entry.
    const name: string = 'constructor';
    result.projects[name] = { range: { from: 5020, to: 5029 } };
    expect(Object.keys(result.projects)).toEqual(['b', 'a', 'constructor']);
  });

  it('gives a registry without projects an empty map', () => {
    const registry = withNullPrototypeMaps({ version: 1 } as Registry);
    expect(Object.keys(registry.projects)).toEqual([]);
    expect(Object.getPrototypeOf(registry.projects)).toBeNull();
  });
});
