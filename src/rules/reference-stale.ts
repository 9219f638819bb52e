import { at, replacePort } from '../scan/facts.js';
import { fleetRule, type RuleFinding } from './types.js';

/** Each finding needs only its own port and the registry: a group's are found as it comes in. */
export const referenceStale = fleetRule(
  {
    id: 'reference-stale',
    defaultSeverity: 'warning',
    description: "A config or README refers to another project's service by a port that service no longer has.",
    fixable: true,
    scope: 'fleet',
  },
  () => {
    const findings: RuleFinding[] = [];
    return {
      add: ({ scan, index }) => {
        for (const p of scan.ports) {
          if (p.published === null || !(p.kind === 'url' || p.kind === 'mention' || p.kind === 'reference' || (p.kind === 'env' && p.source !== 'compose')))
            continue;
          const before = index.previousOwnersOf(p.published);
          // The file's own project had the port: an old port of its own (docs-stale, env-drift), not a reference.
          if (p.project && before.some((o) => o.project === p.project)) continue;
          const previous = before.find((o) => o.project !== p.project);
          if (!previous) continue;
          // A port that has an owner now is a reference to that owner, not a stale one.
          if (index.ownerOf(p.published, p.protocol)) continue;
          const fix = previous.currentPort !== undefined ? replacePort(p, previous.currentPort) : undefined;
          findings.push({
            ...at(p),
            message:
              previous.how === 'moved'
                ? `refers to service "${previous.service}" of project "${previous.project}" on port ${p.published}, but it moved to ${previous.currentPort}`
                : `refers to service "${previous.service}" of project "${previous.project}" on port ${p.published}, but that service was released`,
            related:
              previous.currentPort !== undefined
                ? [index.registryLocation(['projects', previous.project, 'services', previous.service, 'port'], `${previous.project}/${previous.service} now`)]
                : [],
            key: `${p.project}|${previous.project}/${previous.service}|${p.published}`,
            ...(fix ? { fix } : {}),
          });
        }
      },
      finish: () => findings,
    };
  },
);
