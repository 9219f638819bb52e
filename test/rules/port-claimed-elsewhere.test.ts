import { ruleTester } from '../helpers/rule-tester.js';
import { registryText, type Scenario } from '../helpers/scenario.js';

/** A registry of project shop (5000-5099) with these services. */
function shop(services: Record<string, object>) {
  return { version: 1, projects: { shop: { range: { from: 5000, to: 5099 }, services } } };
}

/**
 * A remote-tracking branch `origin/NAME` whose tip is a commit (off main, not merged) with this
 * registry: what `git fetch` leaves after someone pushed that branch. No working tree changes.
 */
function otherBranch(name: string, registry: object) {
  return async (s: Scenario) => {
    s.git('checkout', '-q', '-b', name);
    await s.write('ports.registry.json', registryText(registry));
    s.commit(`${name}: its registry`);
    s.git('update-ref', `refs/remotes/origin/${name}`, 'HEAD');
    s.git('checkout', '-q', 'main');
    s.git('branch', '-q', '-D', name);
  };
}

const FILES = { 'README.md': '# shop\n' };
const WEB = { web: { port: 5001, purpose: 'web' } };

ruleTester.run('port-claimed-elsewhere', {
  valid: [
    { name: 'outside git: no claims, no error', files: FILES, registry: shop(WEB) },
    { name: 'the same service on the same port elsewhere', files: FILES, registry: shop(WEB), git: true, setup: otherBranch('feat', shop(WEB)) },
    {
      name: 'another protocol of the same number',
      files: FILES,
      registry: shop(WEB),
      git: true,
      setup: otherBranch('feat', shop({ dns: { port: 5001, purpose: 'dns', protocol: 'udp' } })),
    },
    {
      name: 'a branch HEAD has merged claims nothing new',
      files: FILES,
      registry: shop({ worker: { port: 5001, purpose: 'worker' } }),
      git: true,
      setup: async (s) => {
        s.git('update-ref', 'refs/remotes/origin/old', 'HEAD');
        await s.write('ports.registry.json', registryText(shop(WEB)));
        s.commit('worker gone, web on 5001');
      },
    },
    {
      name: 'branchClaims false in the config',
      files: FILES,
      registry: shop(WEB),
      config: { branchClaims: false },
      git: true,
      setup: otherBranch('feat', shop({ worker: { port: 5001, purpose: 'worker' } })),
    },
  ],
  invalid: [
    {
      name: 'another branch gives the port to another service',
      files: FILES,
      registry: shop({ ...WEB, api: { port: 5002, purpose: 'api' } }),
      git: true,
      setup: otherBranch('feat', shop({ worker: { port: 5001, purpose: 'worker' }, api: { port: 5002, purpose: 'api' } })),
      errors: [
        {
          file: 'ports.registry.json',
          message:
            'port 5001 of service "web" of project "shop" is given to service "worker" of project "shop" on branch origin/feat: whichever merges second makes a duplicate; move one of them (portreg reassign --project shop --service web)',
          line: 11,
          column: 19,
          endLine: 11,
          endColumn: 23,
          severity: 'warning',
        },
      ],
    },
    {
      name: 'two branches, each named',
      files: FILES,
      registry: shop(WEB),
      git: true,
      setup: async (s) => {
        await otherBranch('a', shop({ worker: { port: 5001, purpose: 'worker' } }))(s);
        await otherBranch('b', {
          version: 1,
          projects: {
            shop: { range: { from: 5000, to: 5099 }, services: {} },
            blog: { range: { from: 5000, to: 5099 }, services: { db: { port: 5001, purpose: 'db' } } },
          },
        })(s);
      },
      errors: [
        // Sorted as reports sort them: by place, then by message.
        {
          file: 'ports.registry.json',
          message:
            'port 5001 of service "web" of project "shop" is given to service "db" of project "blog" on branch origin/b: whichever merges second makes a duplicate; move one of them (portreg reassign --project shop --service web)',
          line: 11,
          column: 19,
          endLine: 11,
          endColumn: 23,
          severity: 'warning',
        },
        {
          file: 'ports.registry.json',
          message:
            'port 5001 of service "web" of project "shop" is given to service "worker" of project "shop" on branch origin/a: whichever merges second makes a duplicate; move one of them (portreg reassign --project shop --service web)',
          line: 11,
          column: 19,
          endLine: 11,
          endColumn: 23,
          severity: 'warning',
        },
      ],
    },
  ],
});
