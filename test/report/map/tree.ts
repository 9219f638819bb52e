/**
 * A small tree for `portreg map`: four projects, a conflict, a port outside its range, a stale
 * local URL in a README, a registered port no file uses, and markup in a description, a purpose,
 * a reason and a project folder's name (`apps/<script>evil`), which the page must show as text.
 */
import { newRegistry } from '../../../src/registry/defaults.js';
import { scenario, type Scenario } from '../../helpers/scenario.js';

export const MAP_PROJECTS = ['billing', 'shop', 'evil', 'ops'];

export function mapRegistry() {
  const registry = newRegistry();
  registry.reserved!.push({ range: { from: 5600, to: 5609 }, reason: '</script><script>window.__pwned=3</script>' });
  registry.projects = {
    billing: {
      range: { from: 5100, to: 5199 },
      path: 'billing',
      services: { api: { port: 5101, purpose: 'API', env: 'API_PORT' }, db: { port: 5102, purpose: 'Postgres' } },
    },
    shop: {
      range: { from: 5200, to: 5299 },
      path: 'shop',
      description: '<script>window.__pwned=1</script> & co',
      services: { web: { port: 5200, purpose: '<img src=x onerror="window.__pwned=2">' } },
    },
    evil: { range: { from: 5300, to: 5399 }, path: 'apps/<script>evil', services: { api: { port: 5301, purpose: 'API' } } },
    ops: { range: { from: 5400, to: 5499 }, path: 'ops' },
  };
  return registry;
}

const compose = (services: Record<string, string>) =>
  `services:\n${Object.entries(services)
    .map(([name, port]) => `  ${name}:\n    image: nginx\n    ports:\n      - "${port}"\n`)
    .join('')}`;

export function mapTree(): Promise<Scenario> {
  return scenario({
    prefix: 'portreg-map-',
    registry: mapRegistry(),
    files: {
      'billing/compose.yaml': compose({ api: '5101:80', admin: '5200:81', worker: '5250:80' }),
      'billing/README.md': '# Billing\n\nOpen http://localhost:5109 to see the API.\n',
      'shop/compose.yaml': compose({ web: '5200:80' }),
      'apps/<script>evil/compose.yaml': compose({ api: '5301:80' }),
    },
  });
}
