import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../src/parse/compose.js';
import { LineIndex } from '../../src/util/text-position.js';

/** One line per fact: what it is, where it is, and the exact text at its span. */
function facts(yaml: string, env: Record<string, string> = {}) {
  const r = parseCompose(yaml, 'compose.yaml', { env });
  const lines = new LineIndex(yaml);
  return r.facts.map((f) => {
    const at = lines.position(f.span.start);
    const pub = f.published === null ? '-' : `${f.published}${f.publishedEnd ? `-${f.publishedEnd}` : ''}`;
    const tgt = f.target === null ? '-' : `${f.target}${f.targetEnd ? `-${f.targetEnd}` : ''}`;
    const ip = f.hostIp ? `${f.hostIp} ` : '';
    const v = f.variable ? ` $${f.variable}` : '';
    const unresolved = f.resolved ? '' : ' unresolved';
    return `${f.kind} ${f.composeService} ${ip}${pub}:${tgt}/${f.protocol ?? '-'}${v}${unresolved} @${at.line}:${at.column} ${JSON.stringify(yaml.slice(f.span.start, f.span.end))}`;
  });
}

function findings(yaml: string, env: Record<string, string> = {}) {
  return parseCompose(yaml, 'compose.yaml', { env }).findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message}`);
}

describe('compose short syntax', () => {
  it('reads host IPs, ranges, protocols, numbers and strings, each at its own digits', () => {
    const yaml = `services:
  web:
    ports:
      - "5000:80"
      - 127.0.0.1:5001:80/udp
      - '[::1]:5002:80'
      - "5003-5004:80-81"
      - "5005-5010:80"
      - 3000
      - "9000"
      - 8080:80
      - "::80"
`;
    expect(facts(yaml)).toEqual([
      'published web 5000:80/tcp @4:10 "5000"',
      'published web 127.0.0.1 5001:80/udp @5:19 "5001"',
      'published web ::1 5002:80/tcp @6:16 "5002"',
      'published web 5003-5004:80-81/tcp @7:10 "5003-5004"',
      'published web 5005-5010:80/tcp @8:10 "5005-5010"',
      'target web -:3000/tcp @9:9 "3000"',
      'target web -:9000/tcp @10:10 "9000"',
      'published web 8080:80/tcp @11:9 "8080"',
      'target web -:80/tcp @12:12 "80"',
    ]);
    expect(findings(yaml)).toEqual([]);
  });

  it('reports what Compose rejects, at the entry, and keeps going', () => {
    const yaml = `services:
  a:
    ports:
      - "[::1]:80"
      - "1.2.3.4:80"
      - "70000:80"
      - "5000-5001:80-82"
      - "5000:80/icmp"
      - "5100:80"
`;
    expect(findings(yaml)).toEqual([
      '4:10 error parse-error: service "a": invalid port spec "[::1]:80": invalid IP address [:: address [::: missing \']\' in address',
      '5:10 error parse-error: service "a": invalid port spec "1.2.3.4:80": invalid hostPort: 1.2.3.4',
      '6:10 error parse-error: service "a": invalid port spec "70000:80": invalid hostPort: 70000',
      '7:10 error parse-error: service "a": invalid port spec "5000-5001:80-82": invalid ranges specified for container and host Ports: 80-82 and 5000-5001',
      '8:18 error parse-error: service "a": invalid port spec "5000:80/icmp": invalid proto: icmp',
    ]);
    expect(facts(yaml)).toEqual(['published a 5100:80/tcp @9:10 "5100"']);
  });
});

describe('compose interpolation', () => {
  it('reports the variable, the resolved value and the position of the default digits', () => {
    const yaml = `services:
  api:
    ports:
      - "\${API_PORT:-5000}:3000"
      - "\${ADMIN_PORT}:3001"
      - "\${METRICS_PORT}:3002"
      - "\${HOST_IP:-127.0.0.1}:\${DEBUG_PORT:-\${FALLBACK:-9229}}:9229"
`;
    expect(facts(yaml, { METRICS_PORT: '5042', API_PORT: '5001' })).toEqual([
      'published api 5001:3000/tcp $API_PORT @4:22 "5000"',
      'published api -:3001/tcp $ADMIN_PORT unresolved @5:10 "${ADMIN_PORT}"',
      'published api 5042:3002/tcp $METRICS_PORT @6:10 "${METRICS_PORT}"',
      'published api 127.0.0.1 9229:9229/tcp $DEBUG_PORT @7:58 "9229"',
    ]);
  });

  it('reports invalid templates and :? errors at their place', () => {
    const yaml = `services:
  api:
    ports:
      - "\${API_PORT:?set API_PORT in .env}:3000"
      - "\${BAD PORT}:3001"
`;
    expect(findings(yaml)).toEqual([
      '4:10 error parse-error: required variable API_PORT is missing a value: set API_PORT in .env',
      '5:10 error parse-error: Invalid template: "${BAD PORT}:3001"',
    ]);
  });

  it('$$ is a literal dollar and does not shift positions', () => {
    const yaml = `services:
  api:
    environment:
      URL: "http://localhost:5000/$$path"
`;
    expect(facts(yaml)).toEqual(['url api 5000:-/- @4:30 "5000"']);
  });
});

describe('compose: unset variables in other fields', () => {
  it('an unset host IP variable is empty, as in Compose, and the port is still read', () => {
    const yaml = `services:
  api:
    ports:
      - "\${BIND_IP}:5000:80"
`;
    expect(facts(yaml)).toEqual(['published api 5000:80/tcp @4:21 "5000"']);
    expect(findings(yaml)).toEqual([]);
  });
});
