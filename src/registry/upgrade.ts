import { CURRENT_REGISTRY_VERSION } from './types.js';

/**
 * Format upgrades, one step per older version: step N turns version N data into version N+1.
 * Version 1 is the first format, so there is no step yet; when version 2 comes, its step
 * goes here and `portreg registry upgrade` writes the result.
 */
const UPGRADE_STEPS: Record<number, (data: Record<string, unknown>) => Record<string, unknown>> = {};

/**
 * Brings parsed registry data to the current format in memory. Data that is not an
 * object, or has no valid version, is returned unchanged for the schema to report.
 */
export function upgradeRegistryData(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  let current = data as Record<string, unknown>;
  let version = current.version;
  while (typeof version === 'number' && Number.isInteger(version) && version < CURRENT_REGISTRY_VERSION) {
    const step = UPGRADE_STEPS[version];
    if (!step) break;
    current = step(current);
    version = current.version;
  }
  return current;
}
