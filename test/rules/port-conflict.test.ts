import { expect, it } from 'vitest';
import { lintCase, ruleTester } from '../helpers/rule-tester.js';

const registry = {
  version: 1,
  projects: {
    billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'REST API' } } },
    web: { range: { from: 5100, to: 5199 }, path: 'web', services: { site: { port: 5100, purpose: 'Public site' } } },
  },
};
const two = (a: string, b: string) => `services:\n  api:\n    ports:\n      - ${a}\n  worker:\n    ports:\n      - ${b}\n`;
const one = (service: string, entry: string) => `services:\n  ${service}:\n    ports:\n      - ${entry}\n`;
const sameStack = (port: string, at: string) => `host port ${port} of service "worker" is also published by service "api" of the same stack (${at})`;

ruleTester.run('port-conflict', {
  valid: [
    { name: 'two services on two ports', registry, files: { 'billing/docker-compose.yml': two('"5001:8080"', '"5002:9000"') } },
    { name: 'one port for two protocols', registry, files: { 'billing/docker-compose.yml': two('"5001:8080"', '"5001:9000/udp"') } },
    { name: 'two loopback addresses', registry, files: { 'billing/docker-compose.yml': two('"127.0.0.1:5001:8080"', '"127.0.0.2:5001:9000"') } },
    {
      name: 'alternative stacks of one folder never run together',
      registry,
      files: { 'billing/compose.yaml': one('api', '"5001:8080"'), 'billing/compose.prod.yaml': one('api', '"5001:8080"') },
    },
    {
      name: 'skipped when only some files are linted (scope fleet)',
      registry,
      lint: { paths: ['billing/docker-compose.yml'] },
      files: { 'billing/docker-compose.yml': two('"5001:8080"', '"5001:9000"') },
    },
  ],
  invalid: [
    {
      name: 'two services of one stack',
      registry,
      files: { 'billing/docker-compose.yml': two('"5001:8080"', '"5001:9000"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 7,
          column: 10,
          endLine: 7,
          endColumn: 14,
          severity: 'error',
          message: sameStack('5001/tcp', 'billing/docker-compose.yml:4:10'),
          related: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, message: 'also published here (5001)' }],
        },
      ],
    },
    {
      name: 'two projects: the finding goes to the side the registry does not give the port',
      registry,
      files: { 'web/docker-compose.yml': one('site', '"5100:80"'), 'billing/docker-compose.yml': one('admin', '"5100:80"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'error',
          message: 'host port 5100/tcp of service "admin" is also published by service "site" of project "web" (web/docker-compose.yml:4:10)',
          related: [{ file: 'web/docker-compose.yml', line: 4, column: 10, message: 'also published here (5100)' }],
        },
      ],
    },
    {
      name: 'two stacks of no project',
      registry,
      files: { 'tools/a/docker-compose.yml': one('x', '"6000:80"'), 'tools/b/docker-compose.yml': one('y', '"6000:80"') },
      errors: [
        {
          file: 'tools/b/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'error',
          message: 'host port 6000/tcp of service "y" is also published by service "x" of stack tools/a/docker-compose.yml (tools/a/docker-compose.yml:4:10)',
        },
      ],
    },
    {
      name: 'a port range that covers the other port, reported once per service',
      registry,
      files: { 'billing/docker-compose.yml': two('"5001:8080"', '"5000-5003:9000-9003"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 7,
          column: 10,
          endLine: 7,
          endColumn: 19,
          severity: 'error',
          message: sameStack('5001/tcp', 'billing/docker-compose.yml:4:10'),
          related: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, message: 'also published here (5001)' }],
        },
      ],
    },
    {
      name: 'every address (no host IP) and a loopback address overlap; so do 0.0.0.0 and 127.0.0.1',
      registry,
      files: {
        'billing/docker-compose.yml':
          'services:\n  api:\n    ports:\n      - "5001:8080"\n      - "0.0.0.0:5002:8081"\n  worker:\n    ports:\n      - "127.0.0.1:5001:9000"\n      - "127.0.0.1:5002:9001"\n',
      },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 8,
          column: 20,
          endLine: 8,
          endColumn: 24,
          severity: 'error',
          message: sameStack('5001/tcp', 'billing/docker-compose.yml:4:10'),
        },
        {
          file: 'billing/docker-compose.yml',
          line: 9,
          column: 20,
          endLine: 9,
          endColumn: 24,
          severity: 'error',
          message: sameStack('5002/tcp', 'billing/docker-compose.yml:5:18'),
        },
      ],
    },
  ],
});

// Stacks in two folders of one project may run together, so they are compared (5c26a70: "alternatives
// only within one folder"), and the conflict is found at the right place...
const twoFolders = {
  registry,
  files: { 'billing/a/docker-compose.yml': one('api', '"5001:8080"'), 'billing/b/docker-compose.yml': one('worker', '"5001:8080"') },
};
it('port-conflict: stacks in two folders of one project are compared', async () => {
  const { findings } = await lintCase(['port-conflict'], twoFolders);
  expect(findings.map((f) => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity}`)).toEqual([
    'billing/b/docker-compose.yml:4:10-4:14 error',
  ]);
  // Two stacks, not one: the message says so (it called them "the same stack" before).
  expect(findings[0]!.message).toBe(
    'host port 5001/tcp of service "worker" is also published by service "api" of another stack of project "billing" (billing/a/docker-compose.yml:4:10)',
  );
});
