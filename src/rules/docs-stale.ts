import { at, replacePort } from '../scan/facts.js';
import type { Rule, RuleFinding } from './types.js';

export const docsStale: Rule = {
  meta: {
    id: 'docs-stale',
    defaultSeverity: 'warning',
    description: 'A README, or a URL in a config, mentions a port of its project that no longer belongs to it (the old port of a moved or released service).',
    fixable: true,
    scope: 'file',
  },
  check({ scan, index }) {
    const findings: RuleFinding[] = [];
    for (const p of scan.ports) {
      if (!p.project || p.published === null) continue;
      // In configs, URLs and host:port mentions; a port variable's value is env-drift's.
      if (p.source !== 'markdown' && !(p.kind === 'url' || p.kind === 'mention' || p.kind === 'reference')) continue;
      if (index.ownerOf(p.published, p.protocol)?.project === p.project) continue;
      const previous = index.previousOwnersOf(p.published).find((o) => o.project === p.project);
      if (!previous) continue;
      const fix = previous.currentPort !== undefined ? replacePort(p, previous.currentPort) : undefined;
      findings.push({
        ...at(p),
        message:
          previous.how === 'moved'
            ? `port ${p.published} was service "${previous.service}"'s until it moved to ${previous.currentPort}: update the mention`
            : `port ${p.published} was service "${previous.service}"'s, which was released: remove or update the mention`,
        key: `${p.project}|${previous.service}|${p.published}`,
        ...(fix ? { fix } : {}),
      });
    }
    return findings;
  },
};
