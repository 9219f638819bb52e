import type { Rule, RuleFinding } from './types.js';

/**
 * `container_name` is global to the Docker daemon: in a project with slots, the second checkout's
 * `docker compose up` stops on the name the first one holds (or, with --force-recreate, replaces
 * its container). Without it, Compose names containers after the project name, which portreg env
 * sets per checkout (COMPOSE_PROJECT_NAME).
 */
export const slotContainerName: Rule = {
  meta: {
    id: 'slot-container-name',
    defaultSeverity: 'warning',
    description:
      'In a project with slots, a compose service sets container_name: the name is global to the Docker daemon, so two checkouts cannot run at once (let Compose name it).',
    fixable: false,
    scope: 'file',
  },
  check({ scan, registry }) {
    const findings: RuleFinding[] = [];
    for (const file of scan.files) {
      if (file.kind !== 'compose' || !file.containerNames || !file.project || !registry.projects[file.project]?.slots) continue;
      for (const c of file.containerNames) {
        findings.push({
          file: file.path,
          line: c.line,
          column: c.column,
          endLine: c.endLine,
          endColumn: c.endColumn,
          start: c.start,
          end: c.end,
          message: `service "${c.service}" sets container_name, but project "${file.project}" has slots: container names are global to the Docker daemon, so a second checkout cannot start it; remove it, and Compose names the container after COMPOSE_PROJECT_NAME, which portreg env sets per checkout`,
          key: `${file.project}|${file.path}|${c.service}`,
        });
      }
    }
    return findings;
  },
};
