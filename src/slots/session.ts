/**
 * The steps every face takes for a checkout (the CLI's `slot` and `env` commands, the git hook,
 * the MCP tools): find the checkout and its project, lease its slot, and (when asked) write its
 * env files as one change set. What listens is read once per call: a slot's safety depends on it,
 * so it is read whatever CI says (unlike the allocator's advisory probe).
 */
import { commitChangeSet } from '../fix/commit.js';
import { probeLivePorts } from '../live/probe.js';
import type { LockOptions } from '../registry/lock.js';
import { planEnvFiles, slotEnvValues } from './env-file.js';
import { acquireSlot, releaseSlot, viewOf, type Acquired, type LeaseView, type Released } from './leases.js';
import { readLeases, sameCheckout, type Lease } from './state.js';
import { checkoutOf } from '../util/git.js';
import { resolveTarget, slottedProjects, type SlotTarget, type TargetOptions } from './target.js';
import { PortregError } from '../errors.js';

export interface SessionOptions extends TargetOptions {
  lock?: LockOptions;
}

export interface CheckoutSlot {
  target: SlotTarget;
  acquired: Acquired;
  view: LeaseView;
  /** The block's variables, in order. */
  values: [string, string][];
  /** With write: the env files written, and those already up to date (checkout-relative). */
  written: string[];
  unchanged: string[];
}

export async function acquireForCheckout(options: SessionOptions & { write?: boolean }): Promise<CheckoutSlot> {
  const target = await resolveTarget(options);
  const live = await probeLivePorts();
  const acquired = await acquireSlot(target, { env: options.env, live, now: options.now, lock: options.lock });
  const { lease } = acquired;
  const values = slotEnvValues(target.project, lease.slot, lease.ports);
  let written: string[] = [];
  let unchanged: string[] = [];
  if (options.write) {
    const plan = await planEnvFiles(target, lease.slot, lease.ports);
    unchanged = plan.unchanged;
    // The env files are the checkout's own machine state (usually git-ignored): uncommitted changes are no reason to refuse.
    if (plan.changes.length) written = (await commitChangeSet({ root: target.checkout.worktree, files: plan.changes, uncommitted: { refuse: false } })).written;
  }
  return { target, acquired, view: viewOf(lease, live), values, written, unchanged };
}

/** The checkout's lease as it stands (null: it holds none), without taking one. */
export async function slotOfCheckout(options: SessionOptions): Promise<{ target: SlotTarget; view: LeaseView | null }> {
  const target = await resolveTarget(options);
  const { leases } = await readLeases(options.env);
  const key = { repository: target.checkout.repository, worktree: target.checkout.worktree, project: target.project };
  const lease = leases.find((l) => sameCheckout(l, key));
  return { target, view: lease ? viewOf(lease, await probeLivePorts()) : null };
}

/**
 * Every lease on the machine, and the one of the checkout `cwd` lies in for `project` (null: none,
 * or outside git), for the commands that only read them (doctor). A lease file that cannot be
 * read names no lease: these commands have their own answer without one.
 */
export async function leasesAround(cwd: string, project: string, env: NodeJS.ProcessEnv): Promise<{ leases: Lease[]; mine: Lease | null }> {
  const leases = await readLeases(env).then(
    (r) => r.leases,
    () => [],
  );
  const here = await checkoutOf(cwd);
  const mine = here ? (leases.find((l) => sameCheckout(l, { repository: here.repository, worktree: here.worktree, project })) ?? null) : null;
  return { leases, mine };
}

export async function releaseForCheckout(options: SessionOptions & { force?: boolean }): Promise<{ target: SlotTarget; released: Released }> {
  const target = await resolveTarget(options);
  const live = await probeLivePorts();
  const key = { repository: target.checkout.repository, worktree: target.checkout.worktree, project: target.project };
  return { target, released: await releaseSlot(key, { env: options.env, live, now: options.now, lock: options.lock, force: options.force }) };
}

/**
 * The checkout's slot of its project, or of every project with slots when the checkout does not
 * say which (a monorepo's top folder, where a git hook runs); none when no project has slots.
 */
export async function acquireForEveryProject(options: SessionOptions & { write?: boolean }): Promise<CheckoutSlot[]> {
  try {
    return [await acquireForCheckout(options)];
  } catch (err) {
    if (!(err instanceof PortregError && err.code === 'project-required')) throw err;
  }
  const results: CheckoutSlot[] = [];
  for (const project of await slottedProjects(options)) results.push(await acquireForCheckout({ ...options, project }));
  return results;
}
