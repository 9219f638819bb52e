/**
 * Running containers' published ports (`docker ps`). No Docker engine runs on the test machines,
 * so the engine's answers come from a stand-in `docker` executable that prints what a real engine
 * prints; the machine's real docker client (or its absence) is used for the no-engine case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listContainerPorts, parseDockerPs } from '../../src/live/containers.js';
import { listListeners } from '../../src/live/listeners.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';

// What `docker ps --format '{{.ID}}\t{{.Names}}\t{{.Ports}}'` prints: engines before 26 write
// IPv6 wildcards as `:::`, later ones as `[::]`; exposed-only ports carry no `->`.
const DOCKER_PS = [
  'a1b2c3d4e5f6\tbilling-api-1\t0.0.0.0:5000->8080/tcp, [::]:5000->8080/tcp',
  'b2c3d4e5f6a1\tdns-1\t127.0.0.1:6000-6001->53/udp',
  'c3d4e5f6a1b2\told-engine-1\t0.0.0.0:5100->80/tcp, :::5100->80/tcp, 443/tcp',
  'd4e5f6a1b2c3\tidle-1\t80/tcp',
  'e5f6a1b2c3d4\tquiet-1\t',
  'f6a1b2c3d4e5\tsctp-1\t0.0.0.0:7000->7000/sctp',
].join('\n');

let dir: string;
let cleanup: () => Promise<void>;

/** A `docker` that answers `ps` with the given script body. */
async function fakeDocker(name: string, body: string): Promise<string> {
  const file = path.join(dir, name, 'docker');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('portreg-containers-'));
  await writeFile(path.join(dir, 'ps.txt'), DOCKER_PS + '\n');
});
afterAll(() => cleanup());

describe('parseDockerPs', () => {
  it('reads every published mapping, old and new IPv6 spellings, and host ranges port by port', () => {
    expect(parseDockerPs(DOCKER_PS)).toEqual([
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 5000, container: 'billing-api-1' },
      { protocol: 'tcp', family: 6, address: '::', port: 5000, container: 'billing-api-1' },
      { protocol: 'udp', family: 4, address: '127.0.0.1', port: 6000, container: 'dns-1' },
      { protocol: 'udp', family: 4, address: '127.0.0.1', port: 6001, container: 'dns-1' },
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 5100, container: 'old-engine-1' },
      { protocol: 'tcp', family: 6, address: '::', port: 5100, container: 'old-engine-1' },
    ]);
  });

  it('ignores what is not a mapping: headers, blank lines, exposed ports, nonsense', () => {
    expect(parseDockerPs('CONTAINER ID\tNAMES\tPORTS\n\nx\ty\t80/tcp, 0.0.0.0:99999->1/tcp, garbage\n')).toEqual([]);
  });
});

describe('listContainerPorts', () => {
  it('runs docker ps with the format it parses', async () => {
    const docker = await fakeDocker('echo-args', `[ "$1 $2 $3" = 'ps --format {{.ID}}\t{{.Names}}\t{{.Ports}}' ] || exit 9\ncat '${path.join(dir, 'ps.txt')}'`);
    expect(await listContainerPorts({ docker })).toHaveLength(6);
  });

  it('is empty when the engine does not answer, when it hangs, and without docker at all', async () => {
    const refused = await fakeDocker(
      'refused',
      "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2\nexit 1",
    );
    const hangs = await fakeDocker('hangs', 'exec sleep 30');
    expect(await listContainerPorts({ docker: refused })).toEqual([]);
    expect(await listContainerPorts({ docker: hangs, timeoutMs: 300 })).toEqual([]);
    expect(await listContainerPorts({ docker: path.join(dir, 'no-such-docker') })).toEqual([]);
  });

  it("with this machine's own docker (a client without an engine, or none): empty, no error", async () => {
    expect(await listContainerPorts()).toEqual([]);
  });
});

describe('listListeners with containers', () => {
  it("names the container behind docker-proxy's socket, and lists mappings no socket shows", async () => {
    const proc = path.join(dir, 'proc');
    await mkdir(path.join(proc, 'net'), { recursive: true });
    // docker-proxy (pid 9) listens on 0.0.0.0:5000 (0x1388) for billing-api-1.
    await writeFile(
      path.join(proc, 'net/tcp'),
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
        '   0: 00000000:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 500 1 ffff8a7d41a2c000 100 0 0 10 0\n',
    );
    await mkdir(path.join(proc, '9/fd'), { recursive: true });
    await writeFile(path.join(proc, '9/comm'), 'docker-proxy\n');
    await symlink('socket:[500]', path.join(proc, '9/fd/4'));
    const docker = await fakeDocker('answers', `cat '${path.join(dir, 'ps.txt')}'`);

    expect(await listListeners({ procRoot: proc, containers: true, docker })).toEqual([
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 5000, inode: 500, pid: 9, command: 'docker-proxy', container: 'billing-api-1' },
      { protocol: 'tcp', family: 6, address: '::', port: 5000, inode: null, pid: null, command: null, container: 'billing-api-1' },
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 5100, inode: null, pid: null, command: null, container: 'old-engine-1' },
      { protocol: 'tcp', family: 6, address: '::', port: 5100, inode: null, pid: null, command: null, container: 'old-engine-1' },
      { protocol: 'udp', family: 4, address: '127.0.0.1', port: 6000, inode: null, pid: null, command: null, container: 'dns-1' },
      { protocol: 'udp', family: 4, address: '127.0.0.1', port: 6001, inode: null, pid: null, command: null, container: 'dns-1' },
    ]);
    // A fixture procfs alone says nothing about this machine's containers.
    expect((await listListeners({ procRoot: proc, docker })).map((l) => l.container)).toEqual([undefined]);
  });
});

describe('portreg ps with a Docker engine that answers', () => {
  it('shows the container that publishes a registered port, and its owner', async () => {
    const root = path.join(dir, 'fleet');
    await mkdir(root);
    // Ports far from anything this machine listens on: 47000/tcp for the container, 47001 idle.
    await writeRegistry(
      root,
      { billing: { range: { from: 47000, to: 47099 }, path: 'billing', services: { api: { port: 47000, purpose: 'billing API' } } } },
      { projectSpace: { from: 1024, to: 65535 } },
    );
    await fakeDocker('bin', `printf 'a1b2c3d4e5f6\\tbilling-api-1\\t127.0.0.9:47000->8080/tcp\\n'`);
    const env = { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` };

    const json = await runCli(['ps', '--json'], { cwd: root, env });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { listeners: { port: number; address: string; container: string | null; owner: unknown }[] };
    expect(report.listeners.filter((l) => l.port === 47000)).toEqual([
      {
        protocol: 'tcp',
        family: 4,
        address: '127.0.0.9',
        port: 47000,
        pid: null,
        command: null,
        container: 'billing-api-1',
        owner: { project: 'billing', service: 'api', purpose: 'billing API' },
        reservations: [],
        rangeOf: 'billing',
      },
    ]);

    const text = await runCli(['ps'], { cwd: root, env });
    expect(
      text.stdout
        .split('\n')
        .find((l) => l.includes('127.0.0.9:47000'))!
        .trim()
        .split(/\s{2,}/),
    ).toEqual(['tcp', '127.0.0.9:47000', '-', 'container billing-api-1', 'billing/api']);

    const who = await runCli(['who', '47000', '--live'], { cwd: root, env });
    expect(who.stdout).toContain('container billing-api-1');
  });
});
