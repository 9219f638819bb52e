/**
 * Live probing as the allocator uses it: advisory, on by default, off when CI is set (a
 * runner's ports say nothing about the fleet), forced either way by --probe / --no-probe.
 */

/** Whether to skip ports in use right now; `explicit` is --probe (true) or --no-probe (false). */
export function shouldProbe(env: NodeJS.ProcessEnv, explicit?: boolean): boolean {
  if (explicit !== undefined) return explicit;
  return !env.CI;
}

/** Ports something listens on right now, as `port/protocol` keys (no process walk). */
export async function probeLivePorts(): Promise<Set<string>> {
  // Loaded only when needed: reading /proc is not free, and most commands never probe.
  const { livePorts } = await import('./listeners.js');
  return livePorts({ includeProcesses: false });
}
