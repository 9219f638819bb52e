import { schemaFile } from '../package-info.js';
import type { ErrorObject } from 'ajv';
import type { JsonPath } from './json-document.js';
// Compiled from the schema at build time (scripts/compile-schemas.mjs): no schema compiling at start-up.
import { validate as compiledValidate } from '../generated/registry-schema.validate.js';

/** Where the registry schema ships: beside dist/ and src/ alike. */
export const REGISTRY_SCHEMA_PATH = schemaFile('ports.registry.schema.json');

interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

function validator(): CompiledValidator {
  return compiledValidate as CompiledValidator;
}

export interface SchemaProblem {
  path: JsonPath;
  /** Point at the property's key rather than its value (unknown properties). */
  atKey: boolean;
  message: string;
}

/** Validates parsed registry data against the schema; problems come with their JSON path. */
export function validateRegistrySchema(data: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  return simplify(validate.errors ?? []);
}

function pointerToPath(pointer: string): JsonPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Ajv reports every failed branch of a oneOf; a person wants one sentence per place.
 * Keep the errors at the deepest paths, drop the branch noise, word the rest plainly.
 */
function simplify(errors: ErrorObject[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const add = (p: SchemaProblem) => {
    const key = `${p.path.join('\u0000')}|${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    // Ajv's schemaPath is relative to the referenced definition, so tell places apart by the data's path.
    const inReservation = path[0] === 'reserved' && path.length === 2;
    const atProtocol = path[path.length - 1] === 'protocol' || path[path.length - 2] === 'protocol';
    switch (e.keyword) {
      case 'additionalProperties': {
        const prop = String((e.params as { additionalProperty: string }).additionalProperty);
        add({ path: [...path, prop], atKey: true, message: `unknown property "${prop}"` });
        break;
      }
      case 'required': {
        const prop = String((e.params as { missingProperty: string }).missingProperty);
        if (inReservation && (prop === 'port' || prop === 'range')) {
          add({ path, atKey: false, message: 'a reservation needs exactly one of "port" or "range"' });
        } else {
          add({ path, atKey: false, message: `missing required property "${prop}"` });
        }
        break;
      }
      case 'not':
      case 'oneOf':
        if (inReservation) {
          add({ path, atKey: false, message: 'a reservation needs exactly one of "port" or "range"' });
        } else if (atProtocol) {
          add({ path, atKey: false, message: 'must be "tcp", "udp", "sctp" or a list of them' });
        }
        break;
      case 'type':
        if (!atProtocol) add({ path, atKey: false, message: `must be ${article((e.params as { type: string }).type)}` });
        break;
      case 'enum':
        if (!atProtocol) {
          const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
          add({ path, atKey: false, message: `must be one of ${allowed}` });
        }
        break;
      case 'minimum':
      case 'maximum':
        add({ path, atKey: false, message: `must be ${e.keyword === 'minimum' ? '>=' : '<='} ${(e.params as { limit: number }).limit}` });
        break;
      case 'pattern':
        if (e.propertyName !== undefined) {
          // A bad key: point at the key itself, not at the object holding it.
          add({ path: [...path, e.propertyName], atKey: true, message: `"${e.propertyName}" ${patternMessage(e.schemaPath)}` });
        } else {
          add({ path, atKey: false, message: patternMessage(e.schemaPath) });
        }
        break;
      case 'propertyNames':
        // Reported by the nested "pattern" error on the name itself.
        break;
      default:
        add({ path, atKey: false, message: e.message ?? `fails ${e.keyword}` });
    }
  }
  return problems;
}

function article(type: string): string {
  return type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`;
}

function patternMessage(schemaPath: string): string {
  if (schemaPath.includes('/name/')) return "is not a valid name (letters, digits, '.', '_' and '-', starting with a letter or digit)";
  if (schemaPath.includes('/date/')) return 'must be an ISO date (YYYY-MM-DD) or date-time';
  if (schemaPath.includes('/env/')) return 'must be an environment variable name (letters, digits and _, not starting with a digit)';
  return 'has an invalid format';
}
