/** A small map for the renderers' tests: 1px a port at width 116 (8px margins), every kind of element once. */
import type { Finding } from '../../../src/findings.js';
import { buildMapModel, type MapModel } from '../../../src/map/model.js';
import type { Registry } from '../../../src/registry/types.js';
import type { PortFact } from '../../../src/scan/scan.js';

export const HOSTILE = '<script>window.__pwned=1</script>';

function published(file: string, line: number, port: number, project: string): PortFact {
  return {
    file,
    line,
    column: 9,
    endLine: line,
    endColumn: 13,
    span: { start: 0, end: 4 },
    source: 'compose',
    kind: 'published',
    project,
    composeService: 'svc',
    service: null,
    referencedProject: null,
    stack: null,
    hostIp: null,
    published: port,
    publishedEnd: null,
    target: 80,
    targetEnd: null,
    protocol: null,
    variable: null,
    resolved: true,
    raw: `${port}:80`,
    text: String(port),
  };
}

/**
 * Space 5000-5099: project "<script>x" 5000-5039 with 2 slots of 20 and service api on 5010 (written
 * in a file), project "b" 5040-5059 whose file publishes 5070 (outside: a finding), reserved
 * 5080-5089 (reason with markup), 5005 to avoid. Free: 5060-5079 and 5090-5099.
 */
export function smallModel(name = '<script>x'): MapModel {
  const registry: Registry = {
    version: 1,
    projectSpace: { from: 5000, to: 5099 },
    reserved: [
      { range: { from: 5080, to: 5089 }, reason: 'Infra <b>&' },
      { port: 5005, reason: 'avoid', severity: 'warning' },
    ],
    projects: {
      [name]: { range: { from: 5000, to: 5039 }, slots: { width: 20 }, services: { api: { port: 5010, purpose: 'API' } } } as Registry['projects'][string],
      b: { range: { from: 5040, to: 5059 } },
    },
  };
  const findings: Finding[] = [
    {
      file: 'b/compose.yaml',
      line: 4,
      column: 9,
      endLine: 4,
      endColumn: 13,
      ruleId: 'port-out-of-range',
      severity: 'error',
      message: 'port 5070 is outside <range>',
    },
  ];
  return buildMapModel({ registry, ports: [published('a/compose.yaml', 3, 5010, name), published('b/compose.yaml', 4, 5070, 'b')], files: [], findings });
}
