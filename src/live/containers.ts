/**
 * Host ports published by running containers, from `docker ps`, when a Docker engine answers.
 * With the userland proxy a published port also shows in /proc as docker-proxy's socket; without
 * it (iptables only, rootless setups) the container's mapping is the only trace, so both count.
 * Advisory like the rest of src/live: no docker, no engine, a timeout: no containers, no error.
 */
import { execFile } from 'node:child_process';

export interface ContainerPort {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  address: string;
  port: number;
  /** The container's name (`billing-api-1`). */
  container: string;
}

/** One field a line: id, names, ports. Tabs never occur in names or in the ports column. */
export const DOCKER_PS_FORMAT = '{{.ID}}\t{{.Names}}\t{{.Ports}}';

/**
 * Parses the output of `docker ps --format DOCKER_PS_FORMAT`. The ports column lists mappings
 * as `0.0.0.0:5000->80/tcp, [::]:5000->80/tcp` (older engines write `:::5000`), host ranges as
 * `0.0.0.0:6000-6001->6000-6001/udp`; a port only exposed (`80/tcp`) publishes nothing.
 */
export function parseDockerPs(text: string): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const line of text.split('\n')) {
    const [, name, ports] = line.replace(/\r$/, '').split('\t');
    if (!name || !ports) continue;
    for (const mapping of ports.split(',')) {
      const m = /^\s*(.*):(\d+)(?:-(\d+))?->\d+(?:-\d+)?\/(tcp|udp|sctp)\s*$/.exec(mapping);
      if (!m || m[4] === 'sctp') continue;
      const address = m[1]!.replace(/^\[(.*)\]$/, '$1') || '0.0.0.0';
      const first = Number(m[2]);
      const last = m[3] === undefined ? first : Number(m[3]);
      if (last < first || last > 65535) continue;
      for (let port = first; port <= last; port++) {
        out.push({ protocol: m[4] as 'tcp' | 'udp', family: address.includes(':') ? 6 : 4, address, port, container: name.split(',')[0]! });
      }
    }
  }
  return out;
}

export interface ListContainerPortsOptions {
  /** The docker command (default `docker` on PATH). */
  docker?: string;
  /** An engine that does not answer in this time counts as none. */
  timeoutMs?: number;
}

/** Running containers' published ports; [] when there is no docker or no engine answers. */
export function listContainerPorts(options: ListContainerPortsOptions = {}): Promise<ContainerPort[]> {
  return new Promise((resolve) => {
    execFile(
      options.docker ?? 'docker',
      ['ps', '--format', DOCKER_PS_FORMAT],
      { timeout: options.timeoutMs ?? 3000, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout) => {
        resolve(err ? [] : parseDockerPs(String(stdout)));
      },
    );
  });
}
