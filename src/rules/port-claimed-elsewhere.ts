import { BranchClaimIndex } from '../registry/port-index.js';
import { serviceProtocols } from '../registry/types.js';
import type { Rule, RuleFinding } from './types.js';

/**
 * A port this branch's registry gives to a service that another (unmerged) remote-tracking
 * branch gives to a different one: two pull requests that each pass alone and merge into a
 * duplicate. Seen before either merges; the claims come from registry/branch-claims.ts.
 */
export const portClaimedElsewhere: Rule = {
  meta: {
    id: 'port-claimed-elsewhere',
    defaultSeverity: 'warning',
    description: 'A port the registry gives to a service that the registry of another remote-tracking branch gives to a different service.',
    fixable: false,
    scope: 'file',
  },
  check({ registry, index, branchClaims }) {
    const findings: RuleFinding[] = [];
    if (!branchClaims?.length) return findings;
    const claims = new BranchClaimIndex(branchClaims);
    for (const [project, p] of Object.entries(registry.projects)) {
      for (const [service, s] of Object.entries(p.services ?? {})) {
        for (const claim of claims.against(s.port, serviceProtocols(s.protocol), project, service)) {
          findings.push({
            ...index.registryLocation(['projects', project, 'services', service, 'port']),
            message: `port ${s.port} of service "${service}" of project "${project}" is given to service "${claim.service}" of project "${claim.project}" on branch ${claim.branch}: whichever merges second makes a duplicate; move one of them (portreg reassign --project ${project} --service ${service})`,
            key: `${project}|${service}|${s.port}|${claim.branch}|${claim.project}|${claim.service}`,
          });
        }
      }
    }
    return findings;
  },
};
