import type { Rule, RuleFinding } from './types.js';

/**
 * A fixed top-level `name:` gives every checkout of a project one Compose project: wherever
 * COMPOSE_PROJECT_NAME is not set (a shell without the checkout's .env, `-f` from another folder,
 * a script), two checkouts share, stop or replace each other's containers, networks and volumes.
 * `name: ${COMPOSE_PROJECT_NAME:-billing}` keeps the name and lets each checkout have its own.
 */
export const slotComposeName: Rule = {
  meta: {
    id: 'slot-compose-name',
    defaultSeverity: 'warning',
    description:
      "In a project with slots, a compose file fixes the project name (top-level name:): checkouts would share or replace each other's containers (write ${COMPOSE_PROJECT_NAME:-name}).",
    fixable: false,
    scope: 'file',
  },
  check({ scan, registry }) {
    const findings: RuleFinding[] = [];
    for (const file of scan.files) {
      const name = file.composeName;
      if (file.kind !== 'compose' || !name || name.interpolated || !file.project || !registry.projects[file.project]?.slots) continue;
      findings.push({
        file: file.path,
        line: name.line,
        column: name.column,
        endLine: name.endLine,
        endColumn: name.endColumn,
        start: name.start,
        end: name.end,
        message: `the Compose project name is fixed (${name.text}), but project "${file.project}" has slots: where COMPOSE_PROJECT_NAME is not set, every checkout shares or replaces the same containers; write name: \${COMPOSE_PROJECT_NAME:-${name.text.replace(/^["']|["']$/g, '')}}, which portreg env sets per checkout`,
        key: `${file.project}|${file.path}`,
      });
    }
    return findings;
  },
};
