import { describe, expect, it } from 'vitest';
import { applyFixes, lintCase, ruleTester } from '../helpers/rule-tester.js';

const registry = {
  version: 1,
  reserved: [{ port: 8051, reason: 'Old MCP' }],
  projects: {
    shop: {
      range: { from: 5100, to: 5199 },
      path: 'shop',
      services: {
        api: { port: 5100, purpose: 'REST API', env: 'API_PORT', containerPort: 4100 },
        db: { port: 5132, purpose: 'Postgres', env: 'DATABASE_PORT', containerPort: 5432 },
        kafka: { port: 5192, purpose: 'Kafka', containerPort: 29092 },
        gossip: { port: 5182, purpose: 'Cluster gossip' },
        admin: { port: 5105, purpose: 'Admin UI', containerPort: 8080, history: [{ port: 5101, until: '2026-11-20' }] },
        docs: { port: 5106, purpose: 'Docs site', containerPort: 8080 },
      },
    },
    billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'Billing API' } } },
  },
};
const compose = 'services:\n  api:\n    ports:\n      - "5100:4100"\n  db:\n    ports:\n      - "5132:5432"\n';
const readme = (line: string) => `# Shop\n\n${line}\n`;
const nowhere = (address: string, port: number) => `${address} leads nowhere: port ${port} is held by no registered service and published by no compose file`;
const guess = ': point it at the service it means, or register the port (portreg allocate)';

ruleTester.run('port-unowned', {
  valid: [
    { name: 'a port a service holds', registry, files: { 'shop/README.md': readme('Open http://localhost:5100/health.') } },
    {
      name: 'a port a compose file publishes (unregistered: port-unregistered says so)',
      registry,
      files: { 'shop/compose.yaml': 'services:\n  extra:\n    ports:\n      - "5150:80"\n', 'shop/README.md': readme('Open http://localhost:5150.') },
    },
    { name: "another project's port is a reference", registry, files: { 'shop/README.md': readme('Billing: http://localhost:5001.') } },
    { name: "an old port of the project is docs-stale's", registry, files: { 'shop/README.md': readme('Admin: http://localhost:5101.') } },
    { name: 'a reserved port is accounted for', registry, files: { 'shop/README.md': readme('The MCP server: http://localhost:8051.') } },
    {
      name: 'a host that is not this machine, and ports that are no addresses',
      registry,
      files: { 'shop/README.md': readme('http://api:4100, http://example.com:8443, `docker run -p 4999:80 shop`, `PORT=4999`, port 4999.') },
    },
    {
      name: 'a client with another host',
      registry,
      files: { 'shop/README.md': readme('```sh\npsql -h db.internal -p 5432 shop\n```') },
    },
    {
      name: 'in a compose value, 0.0.0.0 is a bind address inside the container, and a command only advertises what it says it advertises',
      registry,
      files: {
        'shop/compose.yaml':
          'services:\n  gossip:\n    command: ["serve", "--bind", "0.0.0.0:7946", "--listen", "localhost:7947"]\n    environment:\n      LISTEN: 0.0.0.0:7000\n',
      },
    },
    {
      name: 'a generated region is skipped',
      registry,
      files: { 'shop/README.md': '# Shop\n\n<!-- portreg:start -->\nhttp://localhost:4999\n<!-- portreg:end -->\n' },
    },
  ],
  invalid: [
    {
      name: "a README URL on the service's container port: the fix writes its host port",
      registry,
      files: { 'shop/compose.yaml': compose, 'shop/README.md': readme('curl http://localhost:4100/health') },
      errors: [
        {
          file: 'shop/README.md',
          line: 3,
          column: 23,
          endLine: 3,
          endColumn: 27,
          severity: 'warning',
          message: `${nowhere('localhost:4100', 4100)}; service "api" of project "shop" (its container port is 4100) is on 5100`,
        },
      ],
      output: { 'shop/README.md': readme('curl http://localhost:5100/health') },
    },
    {
      name: 'an env template URL whose variable names the service (no history): the fix writes its port',
      registry,
      files: { 'shop/.env.example': 'API_PORT=5100\nAPI_URL=http://localhost:4000\n' },
      errors: [
        {
          file: 'shop/.env.example',
          line: 2,
          column: 26,
          endLine: 2,
          endColumn: 30,
          severity: 'warning',
          message: `${nowhere('localhost:4000', 4000)}; service "api" of project "shop" (API_URL is its variable) is on 5100`,
        },
      ],
      output: { 'shop/.env.example': 'API_PORT=5100\nAPI_URL=http://localhost:5100\n' },
    },
    {
      name: 'psql -h localhost -p 5432 after postgres moved to 5132 (no history)',
      registry,
      files: { 'shop/compose.yaml': compose, 'shop/README.md': readme('```sh\npsql -h localhost -p 5432 -U shop\n```') },
      errors: [
        {
          file: 'shop/README.md',
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 26,
          severity: 'warning',
          message: `${nowhere('localhost:5432', 5432)}; service "db" of project "shop" (its container port is 5432) is on 5132`,
        },
      ],
      output: { 'shop/README.md': readme('```sh\npsql -h localhost -p 5132 -U shop\n```') },
    },
    {
      name: 'a redis-cli without a host connects to this machine; no evident owner, no fix',
      registry,
      files: { 'shop/README.md': readme('Run `redis-cli -p 6390 ping`.') },
      errors: [
        { file: 'shop/README.md', line: 3, column: 19, endLine: 3, endColumn: 23, severity: 'warning', message: nowhere('localhost:6390', 6390) + guess },
      ],
    },
    {
      name: 'two services on the container port: no fix',
      registry,
      files: { 'shop/README.md': readme('See http://127.0.0.1:8080/.') },
      errors: [
        { file: 'shop/README.md', line: 3, column: 22, endLine: 3, endColumn: 26, severity: 'warning', message: nowhere('127.0.0.1:8080', 8080) + guess },
      ],
    },
    {
      name: "docker ps output with a range, one port of which is nobody's: reported, not fixed",
      registry,
      files: { 'shop/README.md': readme('```\n0.0.0.0:5105-5107->8080-8082/tcp   shop-admin\n```') },
      errors: [
        {
          file: 'shop/README.md',
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 18,
          severity: 'warning',
          message: '0.0.0.0:5107 leads nowhere: port 5107 of the range 5105-5107 is held by no registered service and published by no compose file' + guess,
        },
      ],
    },
    {
      name: "Kafka's advertised listener for host clients: the fix writes the service's port",
      registry,
      files: {
        'shop/compose.yaml':
          'services:\n  kafka:\n    ports:\n      - "5192:29092"\n    environment:\n      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092,EXTERNAL://localhost:9094\n',
      },
      errors: [
        {
          file: 'shop/compose.yaml',
          line: 6,
          column: 80,
          endLine: 6,
          endColumn: 84,
          severity: 'warning',
          message: `${nowhere('localhost:9094', 9094)}; service "kafka" of project "shop" (it advertises this address) is on 5192`,
        },
      ],
      output: {
        'shop/compose.yaml':
          'services:\n  kafka:\n    ports:\n      - "5192:29092"\n    environment:\n      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092,EXTERNAL://localhost:5192\n',
      },
    },
    {
      name: 'an --advertise-addr in a command, as a string and as list items',
      registry,
      files: {
        'shop/compose.yaml':
          'services:\n  gossip:\n    ports:\n      - "5182:7946"\n    command: agent --bind 0.0.0.0:7946 --advertise-addr localhost:7946\n  other:\n    command: ["agent", "--advertise-addr", "localhost:7000"]\n',
      },
      errors: [
        {
          file: 'shop/compose.yaml',
          line: 5,
          column: 67,
          endLine: 5,
          endColumn: 71,
          severity: 'warning',
          message: `${nowhere('localhost:7946', 7946)}; service "gossip" of project "shop" (it advertises this address) is on 5182`,
        },
        { file: 'shop/compose.yaml', line: 7, column: 55, endLine: 7, endColumn: 59, severity: 'warning', message: nowhere('localhost:7000', 7000) + guess },
      ],
      output: {
        'shop/compose.yaml':
          'services:\n  gossip:\n    ports:\n      - "5182:7946"\n    command: agent --bind 0.0.0.0:7946 --advertise-addr localhost:5182\n  other:\n    command: ["agent", "--advertise-addr", "localhost:7000"]\n',
      },
    },
    {
      name: 'host.docker.internal in a compose value, set to "error"',
      registry,
      config: { rules: { 'port-unowned': 'error' } },
      files: { 'shop/compose.yaml': 'services:\n  worker:\n    environment:\n      HOOK_URL: http://host.docker.internal:4999/hook\n' },
      errors: [
        {
          file: 'shop/compose.yaml',
          line: 4,
          column: 45,
          endLine: 4,
          endColumn: 49,
          severity: 'error',
          message: nowhere('host.docker.internal:4999', 4999) + guess,
        },
      ],
    },
  ],
});

describe('lint --fix: what port-mismatch moves, the addresses follow or are reported', () => {
  it('after the compose port is fixed, the advertised addresses and the README follow the service; a docker ps range is reported', async () => {
    const files = {
      'shop/compose.yaml': [
        'services:',
        '  kafka:',
        '    ports:',
        '      - "9092:29092"',
        '    command: ["serve", "--advertise-addr", "localhost:9092"]',
        '    environment:',
        '      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092,EXTERNAL://localhost:9092',
        '',
      ].join('\n'),
      'shop/README.md': '# Shop\n\n```\n0.0.0.0:9092-9093->29092-29093/tcp   shop-kafka\n```\n',
    };
    const run = await lintCase(['port-mismatch', 'port-unowned'], { registry, files });
    // Before the fix 9092 is published, so only port-mismatch speaks; the range's 9093 is nobody's.
    expect(run.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`)).toEqual([
      'port-mismatch shop/compose.yaml:4:10',
      'port-unowned shop/README.md:4:9',
    ]);
    const fixed = await applyFixes(run.prepared, run.result!);
    expect(fixed.written.map((f) => run.prepared.tree.shown(f))).toEqual(['shop/compose.yaml']);
    expect(await run.scenario.read('shop/compose.yaml')).toBe(
      [
        'services:',
        '  kafka:',
        '    ports:',
        '      - "5192:29092"',
        '    command: ["serve", "--advertise-addr", "localhost:5192"]',
        '    environment:',
        '      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092,EXTERNAL://localhost:5192',
        '',
      ].join('\n'),
    );
    expect(await run.scenario.read('shop/README.md')).toBe(files['shop/README.md']);
    expect(run.prepared.present(fixed.result.findings).map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual([
      'port-unowned shop/README.md:4:9 0.0.0.0:9092 leads nowhere: port 9092 of the range 9092-9093 is held by no registered service and published by no compose file: point it at the service it means, or register the port (portreg allocate)',
    ]);
  });
});
