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
  it('looks variables up in the env itself: a name like toString is unset unless the env sets it', () => {
    const yaml = `services:
  api:
    ports:
      - "\${toString:-5000}:3000"
      - "\${constructor:-5001}:3001"
`;
    expect(facts(yaml, {})).toEqual(['published api 5000:3000/tcp $toString @4:22 "5000"', 'published api 5001:3001/tcp $constructor @5:25 "5001"']);
    expect(facts(yaml, { toString: '5002' })[0]).toBe('published api 5002:3000/tcp $toString @4:22 "5000"');
  });

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

  it('reports invalid templates at their place; a required variable without a value is one set at run time, like one unset', () => {
    const yaml = `services:
  api:
    ports:
      - "\${API_PORT:?set API_PORT in .env}:3000"
      - "\${BAD PORT}:3001"
    environment:
      DB_PASSWORD: \${DB_PASSWORD:?a secret, set in .env}
      DB_URL: postgres://app:\${DB_PASSWORD?}@db:5432/app
`;
    expect(findings(yaml)).toEqual(['5:10 error parse-error: Invalid template: "${BAD PORT}:3001"']);
    expect(facts(yaml)).toEqual(['published api -:3000/tcp $API_PORT unresolved @4:10 "${API_PORT:?set API_PORT in .env}"', 'url api 5432:-/- @8:49 "5432"']);
    // With a value, the value.
    expect(facts(yaml, { API_PORT: '5001', DB_PASSWORD: 's' })).toEqual([
      'published api 5001:3000/tcp $API_PORT @4:10 "${API_PORT:?set API_PORT in .env}"',
      'url api 5432:-/- @8:49 "5432"',
    ]);
  });

  it('says a file of the version 1 format (services at the top level) is not read, at its first service', () => {
    const v1 = `version: "1"
x-common: &common
  image: base
db:
  image: postgres
  ports:
    - "5432:5432"
web:
  build: .
`;
    expect(findings(v1)).toEqual([
      '4:1 error parse-error: service "db" is written at the top level, in the version 1 format that Compose v2 does not read: move the services under "services:" (their ports are not checked)',
    ]);
    expect(facts(v1)).toEqual([]);
    // The same with the library's reader (an anchor sends the file to it), and nothing for a file
    // that only has top-level keys of the format, or an empty services map.
    expect(parseCompose(v1, 'docker-compose.yml', { env: {}, blockReader: false }).findings.map((f) => f.line)).toEqual([4]);
    expect(findings('name: app\nnetworks:\n  back: {}\nvolumes:\n  data: {}\n')).toEqual([]);
    expect(findings('services: {}\n')).toEqual([]);
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

describe('compose long syntax, expose, network_mode', () => {
  it('reads published as number, string and range, host_ip and protocol', () => {
    const yaml = `services:
  web:
    ports:
      - target: 80
        published: 5000
      - target: 443
        published: "5001"
        host_ip: 127.0.0.1
        protocol: udp
        mode: host
        name: https
        app_protocol: http2
      - target: 8080
        published: "5002-5003"
      - target: 9000
      - target: 9001
        published: \${WEB_PORT:-5004}
`;
    expect(facts(yaml)).toEqual([
      'published web 5000:80/tcp @5:20 "5000"',
      'published web 127.0.0.1 5001:443/udp @7:21 "5001"',
      'published web 5002-5003:8080/tcp @14:21 "5002-5003"',
      'target web -:9000/tcp @15:17 "9000"',
      'published web 5004:9001/tcp $WEB_PORT @17:32 "5004"',
    ]);
  });

  it('expose holds container ports; a mapping there is an error', () => {
    const yaml = `services:
  db:
    expose:
      - "5432"
      - 6000-6002
      - "5433:5432"
`;
    expect(facts(yaml)).toEqual(['expose db -:5432/tcp @4:10 "5432"', 'expose db -:6000-6002/tcp @5:9 "6000-6002"']);
    expect(findings(yaml)).toEqual([
      '6:9 error parse-error: service "db": invalid expose entry "5433:5432": "expose" takes container ports only; a host:container mapping belongs under "ports"',
    ]);
  });

  it('expose above 65535 or a backwards range is an error, never an out-of-contract fact', () => {
    const yaml = `services:
  db:
    expose:
      - 70000
      - "6002-6000"
      - 65535
`;
    expect(facts(yaml)).toEqual(['expose db -:65535/tcp @6:9 "65535"']);
    expect(findings(yaml)).toEqual([
      '4:9 error parse-error: service "db": invalid expose entry "70000": port 70000 is above 65535',
      '5:10 error parse-error: service "db": invalid expose entry "6002-6000": the range 6002-6000 runs backwards',
    ]);
  });

  it('under network_mode: host the container ports are host ports', () => {
    const yaml = `services:
  agent:
    network_mode: host
    ports:
      - "8125:8125/udp"
    expose:
      - 9100
`;
    expect(facts(yaml)).toEqual(['published agent 8125:8125/udp @5:15 "8125"', 'published agent 9100:9100/tcp @7:9 "9100"']);
  });
});

describe('compose anchors, merge keys, tags and documents', () => {
  it('reports an inherited port once per service, at its own text', () => {
    const yaml = `x-web: &web
  ports:
    - "5000:80"

services:
  blue:
    <<: *web
  green:
    <<: *web
    ports:
      - "5001:80"
  red:
    ports: &ports
      - "5003:80"
  yellow:
    ports: *ports
`;
    expect(findings(yaml)).toEqual([]);
    expect(facts(yaml)).toEqual([
      'published blue 5000:80/tcp @3:8 "5000"',
      'published green 5001:80/tcp @11:10 "5001"',
      'published red 5003:80/tcp @14:10 "5003"',
      'published yellow 5003:80/tcp @14:10 "5003"',
    ]);
  });

  it('knows !override and !reset on ports, and an unknown tag does not break the parse', () => {
    const r = parseCompose(
      `services:
  a:
    ports: !override
      - "5000:80"
  b:
    ports: !reset []
  c:
    labels: !custom
      x: y
    ports:
      - "5001:80"
`,
      'compose.override.yaml',
      { env: {} },
    );
    expect(r.findings).toEqual([]);
    expect(r.services.map((s) => [s.name, s.portsTag, s.ports.map((p) => p.published)])).toEqual([
      ['a', 'override', [5000]],
      ['b', 'reset', []],
      ['c', null, [5001]],
    ]);
  });

  it('reads every document of a multi-document file', () => {
    const yaml = `services:
  a:
    ports: ["5000:80"]
---
services:
  b:
    ports: ["5001:80"]
`;
    expect(facts(yaml)).toEqual(['published a 5000:80/tcp @3:14 "5000"', 'published b 5001:80/tcp @7:14 "5001"']);
  });
});

describe('compose YAML 1.1 trap', () => {
  it('warns about an unquoted NN:NN mapping that YAML 1.1 reads as base 60, and still reads the port', () => {
    const yaml = `services:
  ssh:
    ports:
      - 2222:22
      - 22:22
      - 8080:80
      - "22:22"
`;
    expect(findings(yaml)).toEqual([
      '4:9 warning yaml-base60: unquoted "2222:22" is the number 133342 to a YAML 1.1 parser (base 60): quote it ("2222:22")',
      '5:9 warning yaml-base60: unquoted "22:22" is the number 1342 to a YAML 1.1 parser (base 60): quote it ("22:22")',
    ]);
    expect(facts(yaml).map((f) => f.split(' @')[0])).toEqual([
      'published ssh 2222:22/tcp',
      'published ssh 22:22/tcp',
      'published ssh 8080:80/tcp',
      'published ssh 22:22/tcp',
    ]);
  });
});

describe('compose environment', () => {
  it('finds port variables and URLs, in map and list form; a service host means a container port', () => {
    const yaml = `services:
  api:
    environment:
      PORT: 3000
      DATABASE_URL: postgres://user:secret@db:5432/app
      PUBLIC_URL: http://localhost:5001/
      TIMEOUT: 5000
  worker:
    environment:
      - API_PORT=3001
      - API_URL=http://api:3000
      - CALLBACK=http://127.0.0.1:5002/cb
  db:
    image: postgres:16
`;
    expect(facts(yaml)).toEqual([
      'env api -:3000/- $PORT @4:13 "3000"',
      'url api -:5432/- @5:47 "5432"',
      'url api 5001:-/- @6:36 "5001"',
      'env worker -:3001/- $API_PORT @10:18 "3001"',
      'url worker -:3000/- @11:28 "3000"',
      'url worker 5002:-/- @12:35 "5002"',
    ]);
  });
});

describe('compose: addresses a service advertises to host clients', () => {
  it("reads a command's --advertise flags (string and list), marks advertised environment values, and leaves bind addresses", () => {
    const yaml = `services:
  gossip:
    command: agent --bind 0.0.0.0:7946 --advertise-addr localhost:7946
  nomad:
    command: ["agent", "--advertise-addr", "localhost:4647", "--advertise=127.0.0.1:4648", "--listen", "localhost:4649"]
  kafka:
    environment:
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092,EXTERNAL://localhost:9092
      KAFKA_LISTENERS: EXTERNAL://0.0.0.0:9092
`;
    expect(facts(yaml)).toEqual([
      'url gossip 7946:-/- @3:67 "7946"',
      'url nomad 4647:-/- @5:55 "4647"',
      'url nomad 4648:-/- @5:85 "4648"',
      'url kafka -:29092/- @8:53 "29092"',
      'url kafka 9092:-/- @8:80 "9092"',
      'url kafka 9092:-/- @9:43 "9092"',
    ]);
    const advertised = parseCompose(yaml, 'compose.yaml', { env: {} }).facts.map((f) => [f.context, f.advertised ?? false]);
    expect(advertised).toEqual([
      ['--advertise-addr', true],
      ['--advertise-addr', true],
      ['--advertise=', true],
      ['KAFKA_ADVERTISED_LISTENERS', true],
      ['KAFKA_ADVERTISED_LISTENERS', true],
      ['KAFKA_LISTENERS', false],
    ]);
  });
});

describe('compose references to other files', () => {
  it('lists include, extends and env_file, and flags remote includes', () => {
    const r = parseCompose(
      `include:
  - ./db/compose.yaml
  - path: [../shared/compose.yaml, ./more.yaml]
    env_file: ../shared/.env.example
  - oci://registry.example/stack:1
services:
  web:
    extends:
      file: common.yaml
      service: base
    env_file:
      - .env.example
      - path: ./local.env
        required: false
`,
      'compose.yaml',
      { env: {} },
    );
    expect(r.references.map((x) => `${x.kind} ${x.path}${x.remote ? ' remote' : ''}${x.required ? '' : ' optional'}`)).toEqual([
      'include ./db/compose.yaml',
      'include ../shared/compose.yaml',
      'include ./more.yaml',
      'env_file ../shared/.env.example',
      'include oci://registry.example/stack:1 remote',
      'extends common.yaml',
      'env_file .env.example',
      'env_file ./local.env optional',
    ]);
    expect(r.services[0]!.extends).toMatchObject({ file: 'common.yaml', service: 'base' });
  });
});

describe('compose bad input', () => {
  it('reports invalid YAML, duplicate keys and tabs with line and column', () => {
    expect(findings('services:\n  a:\n    ports: ["5000:80"\n')).toEqual([expect.stringMatching(/^4:1 error parse-error: YAML: /)]);
    expect(findings('services:\n  a:\n    image: x\n    image: y\n')).toEqual(['4:5 error parse-error: YAML: Map keys must be unique']);
    expect(findings('services:\n\ta:\n    image: x\n')[0]).toMatch(/^2:1 error parse-error: YAML: /);
  });

  it('stops an alias bomb without expanding it', () => {
    const levels = ['a: &a ["5000:80","5000:80","5000:80","5000:80","5000:80","5000:80","5000:80","5000:80","5000:80"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const yaml = `x:\n${levels.map((l) => `  ${l}`).join('\n')}\nservices:\n  s:\n    ports: *l\n`;
    // Expanded, this is 9^12 entries: the parse would not end, and the test's timeout says so.
    const r = parseCompose(yaml, 'compose.yaml', { env: {} });
    // The list of aliases is not a list of ports: each alias is one (bad) entry, never expanded.
    expect(r.findings.length).toBeLessThanOrEqual(9);
    expect(r.facts).toEqual([]);
  });
});
