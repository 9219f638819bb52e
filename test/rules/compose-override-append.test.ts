import { ruleTester } from '../helpers/rule-tester.js';

const registry = {
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: { cache: { port: 5050, purpose: 'Redis' }, cache2: { port: 5051, purpose: 'Redis replica' } },
    },
  },
};
const service = (name: string, ports: string, ...entries: string[]) =>
  `services:\n  ${name}:\n    ports:${ports}\n${entries.map((e) => `      - ${e}\n`).join('')}`;
const base = service('cache', '', '"5050:6379"');
const appends = (n: number, before: number, override = 'billing/compose.override.yaml', baseFile = 'billing/compose.yaml') =>
  `service "cache": ${override} adds ${n} port${n === 1 ? '' : 's'} to the ${before} that ${baseFile} publishes; Compose appends them rather than replacing: write "ports: !override" to replace`;

ruleTester.run('compose-override-append', {
  valid: [
    {
      name: 'ports: !override replaces the list',
      registry,
      files: { 'billing/compose.yaml': base, 'billing/compose.override.yaml': service('cache', ' !override', '"5051:6380"') },
    },
    {
      name: 'ports: !reset clears it, then another override adds to nothing',
      registry,
      files: { 'billing/compose.yaml': base, 'billing/compose.override.yaml': 'services:\n  cache:\n    ports: !reset []\n' },
    },
    {
      name: 'a base service without ports',
      registry,
      files: { 'billing/compose.yaml': 'services:\n  cache:\n    image: redis\n', 'billing/compose.override.yaml': service('cache', '', '"5050:6379"') },
    },
    {
      name: 'the override adds ports to another service',
      registry,
      files: { 'billing/compose.yaml': base, 'billing/compose.override.yaml': service('replica', '', '"5051:6379"') },
    },
    {
      name: 'two files that are no stack (another folder)',
      registry,
      files: { 'billing/compose.yaml': base, 'billing/dev/compose.override.yaml': service('cache', '', '"5051:6380"') },
    },
  ],
  invalid: [
    {
      name: 'an override adds one port to a service that publishes one',
      registry,
      files: { 'billing/compose.yaml': base, 'billing/compose.override.yaml': service('cache', '', '"5051:6380"') },
      errors: [{ file: 'billing/compose.override.yaml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'warning', message: appends(1, 1) }],
    },
    {
      name: 'docker-compose.yml with compose.override.yml (the docs page)',
      registry,
      files: { 'billing/docker-compose.yml': base, 'billing/compose.override.yml': service('cache', '', '"5051:6380"') },
      errors: [
        {
          file: 'billing/compose.override.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'warning',
          message: appends(1, 1, 'billing/compose.override.yml', 'billing/docker-compose.yml'),
        },
      ],
    },
    {
      name: 'two ports added to two: counted, and placed on the first added port',
      registry,
      files: {
        'billing/compose.yaml': service('cache', '', '"5050:6379"', '"5052:6381"'),
        'billing/compose.override.yaml': service('cache', '', '"5051:6380"', '"5053:6382"'),
      },
      errors: [{ file: 'billing/compose.override.yaml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'warning', message: appends(2, 2) }],
    },
    {
      name: 'ports the service inherits with extends count as published',
      registry,
      files: {
        'billing/compose.yaml': 'services:\n  base:\n    ports:\n      - "5050:6379"\n  cache:\n    extends:\n      service: base\n',
        'billing/compose.override.yaml': service('cache', '', '"5051:6380"'),
      },
      errors: [{ file: 'billing/compose.override.yaml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'warning', message: appends(1, 1) }],
    },
    {
      name: 'set to "error" in the config',
      registry,
      config: { rules: { 'compose-override-append': 'error' } },
      files: { 'billing/compose.yaml': base, 'billing/compose.override.yaml': service('cache', '', '"5051:6380"') },
      errors: [{ file: 'billing/compose.override.yaml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: appends(1, 1) }],
    },
  ],
});
