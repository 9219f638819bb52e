import { isHostPort } from '../scan/facts.js';
import { fleetRule, type RuleFinding } from './types.js';

/** Kept of each group: which projects were read, which read code, which had a file that did not parse, which services are used. */
export const registryUnused = fleetRule(
  {
    id: 'registry-unused',
    defaultSeverity: 'warning',
    description: 'A registered service whose port appears in no config of its project (a stale allocation).',
    fixable: false,
    scope: 'fleet',
  },
  () => {
    const used = new Set<string>();
    const scannedProjects = new Set<string>();
    // Projects whose code was read (--code): a port the code listens on counts as a use there.
    const codeProjects = new Set<string>();
    // A file that did not parse hides what it uses: say nothing rather than something wrong.
    const unreadable = new Set<string | null | undefined>();
    return {
      add: ({ scan }) => {
        for (const f of scan.files) {
          if (!f.project) continue;
          scannedProjects.add(f.project);
          if (f.kind === 'code') codeProjects.add(f.project);
        }
        for (const f of scan.findings) if (f.ruleId === 'parse-error') unreadable.add(scan.files.find((x) => x.path === f.file)?.project);
        for (const p of scan.ports) {
          if (p.project && p.service && (isHostPort(p) || p.source === 'compose')) used.add(`${p.project}/${p.service}`);
        }
      },
      finish: ({ registry, index }) => {
        const findings: RuleFinding[] = [];
        for (const [project, p] of Object.entries(registry.projects)) {
          // A project none of whose files are in this tree may live in another repository.
          if (!scannedProjects.has(project) || unreadable.has(project)) continue;
          for (const [service, s] of Object.entries(p.services ?? {})) {
            if (used.has(`${project}/${service}`)) continue;
            findings.push({
              ...index.registryLocation(['projects', project, 'services', service, 'port']),
              message: `service "${service}" of project "${project}" holds port ${s.port}, but no ${codeProjects.has(project) ? 'compose file, env template or code' : 'compose file or env template'} of the project uses it: release it (portreg release --project ${project} --service ${service}) or use it`,
              key: `${project}|${service}|${s.port}`,
            });
          }
        }
        return findings;
      },
    };
  },
);
