import { Command } from 'commander';
import { describePort } from '../../registry/allocator.js';
import { describePortLines } from '../../registry/listing.js';
import { readRegistry } from '../../registry/operations.js';
import { outputFormat, parsePort, printJson, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

export function whoCommand(ctx: CommandContext): Command {
  return withCommonOptions(
    new Command('who')
      .description('who owns a port: the service, the reservation and its reason, or free; and which configs of the tree use it')
      .argument('<port>', 'a port number')
      .option('--live', 'also show what listens on the port on this machine right now, and which process'),
  ).action(async (portArg: string, options: CommonOptions & { live?: boolean }) => {
    const port = parsePort(portArg);
    const [{ openGovernedTree }, { configUsesInTree, describeConfigUses }] = await Promise.all([
      import('../../config/governed-tree.js'),
      import('../../scan/port-users.js'),
    ]);
    const tree = await openGovernedTree({ cwd: ctx.cwd, env: ctx.env, registry: options.registry });
    const registry = await readRegistry(tree.located.path, { now: ctx.now(), cwd: ctx.cwd });
    const info = describePort(registry, port, { now: ctx.now() });
    // The registry's word is half the answer: the configs may publish a port it calls free.
    const configs = await configUsesInTree(tree, registry, port);
    const live = options.live ? await listenersOn(port) : undefined;
    if (outputFormat(options) === 'json') {
      printJson(ctx, { ...info, configs, ...(live ? { listening: live.length > 0, listeners: live } : {}) });
      return;
    }
    const lines = [...describePortLines(registry, info), ...describeConfigUses(port, configs)];
    if (live) {
      const { describeListener } = await import('../../live/report.js');
      if (live.length === 0) lines.push(`${port}: nothing listens on it on this machine right now`);
      for (const l of live) lines.push(`${port}: listening: ${describeListener(l)}`);
    }
    ctx.stdout(lines.join('\n') + '\n');
  });
}

async function listenersOn(port: number) {
  const { listListeners } = await import('../../live/listeners.js');
  return (await listListeners()).filter((l) => l.port === port).map(({ inode: _inode, ...l }) => l);
}
