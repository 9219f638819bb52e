/**
 * Every rule, in one list: the CLI, the config validation, the docs check and the SARIF
 * reporter all read it from here.
 */
import { composeOverrideAppend } from './compose-override-append.js';
import { docsStale } from './docs-stale.js';
import { envDrift } from './env-drift.js';
import { envUndocumented } from './env-undocumented.js';
import { generatedStale } from './generated-stale.js';
import { portConflict } from './port-conflict.js';
import { portEphemeral } from './port-ephemeral.js';
import { portForeign } from './port-foreign.js';
import { portLegacy } from './port-legacy.js';
import { portMismatch } from './port-mismatch.js';
import { portOutOfRange } from './port-out-of-range.js';
import { portPrivileged } from './port-privileged.js';
import { portReserved } from './port-reserved.js';
import { portUnowned } from './port-unowned.js';
import { portUnregistered } from './port-unregistered.js';
import { portUnsafe } from './port-unsafe.js';
import { referenceStale } from './reference-stale.js';
import { registryUnused } from './registry-unused.js';
import { slotComposeName } from './slot-compose-name.js';
import { slotContainerName } from './slot-container-name.js';
import { slotLiteralPort } from './slot-literal-port.js';
import { portClaimedElsewhere } from './port-claimed-elsewhere.js';
import { REGISTRY_RULES, SCAN_RULES } from './reported-rules.js';
import type { Rule, RuleMeta } from './types.js';

export const CHECK_RULES: Rule[] = [
  portOutOfRange,
  portUnregistered,
  portMismatch,
  portForeign,
  portReserved,
  portLegacy,
  portConflict,
  envDrift,
  envUndocumented,
  docsStale,
  referenceStale,
  portUnowned,
  portUnsafe,
  composeOverrideAppend,
  registryUnused,
  portClaimedElsewhere,
  portPrivileged,
  portEphemeral,
  generatedStale,
  slotLiteralPort,
  slotContainerName,
  slotComposeName,
];

export const ALL_RULES: RuleMeta[] = [...CHECK_RULES.map((r) => r.meta), ...SCAN_RULES, ...REGISTRY_RULES];

export const RULES_BY_ID = new Map(ALL_RULES.map((m) => [m.id, m]));

/**
 * The port rules give each occurrence at most one error: the most specific one, in this order.
 * env-drift is port-mismatch for env values and defaults. Warnings come on top.
 */
export const PORT_ERROR_PRECEDENCE = ['port-reserved', 'port-foreign', 'port-mismatch', 'env-drift', 'port-out-of-range', 'port-unregistered'];
