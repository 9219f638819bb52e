/**
 * The names a registry holds, checked before anything is planned: project and service names and
 * env variables, by the schema's own rules (schemas/ports.registry.schema.json, definitions
 * `name` and the service's `env`), so a caller hears the rule instead of getting a registry that
 * every later command refuses. The registry's maps have no prototype (cloneRegistry), so a name
 * like `constructor` is an ordinary, absent entry, never a property of Object.prototype.
 */
import { usageError } from '../errors.js';

/** As the schema's `definitions.name`. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const NAME_MAX_LENGTH = 100;
/** As the schema's service `env`. */
export const ENV_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const NAME_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters";
export const ENV_RULE = 'letters, digits and _, not starting with a digit';

export function assertName(kind: 'project' | 'service', value: string): void {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value) || value.length > NAME_MAX_LENGTH) {
    throw usageError('name-invalid', `${kind} name ${JSON.stringify(value)} is not valid: ${kind} names are ${NAME_RULE}`);
  }
}

export function assertEnvName(value: string): void {
  if (typeof value !== 'string' || !ENV_PATTERN.test(value)) {
    throw usageError('name-invalid', `env variable ${JSON.stringify(value)} is not valid: env variable names are ${ENV_RULE}`);
  }
}
