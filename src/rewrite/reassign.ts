/**
 * The registry side of `portreg reassign` (and the MCP tool `reassign_port`): the note shown in
 * the preview, and the locked write that checks again, on the registry as it is now, that the
 * service still has the port the plan moved it from.
 */
import { refusal } from '../errors.js';
import { reassignService, type ReassignResult } from '../registry/moves.js';
import { updateRegistry, type UpdateOptions } from '../registry/store.js';

export interface ReassignWrite {
  project: string;
  service: string;
  /** The port the plan moves the service from. */
  from: number;
  /** The port the plan moves it to. */
  to: number;
  reason?: string;
}

/** The preview's note on the registry change. */
export function reassignNote(move: ReassignWrite): string {
  return `service "${move.service}" of project "${move.project}": port ${move.from} → ${move.to}; ${move.from} stays in its history (quarantine)`;
}

/** Writes the reassignment under the lock; refused when the service moved since the plan. */
export async function writeReassignment(file: string, move: ReassignWrite, options: UpdateOptions & { now: Date }): Promise<ReassignResult> {
  const { result } = await updateRegistry(
    file,
    (fresh) => {
      // The same port as planned, checked again on the registry as it is now.
      const again = reassignService(fresh, { project: move.project, service: move.service, port: move.to, reason: move.reason }, { now: options.now });
      if (again.from !== move.from) {
        throw refusal(
          'registry-changed',
          `service "${move.service}" of project "${move.project}" moved from ${move.from} to ${again.from} meanwhile; run the command again`,
        );
      }
      return { registry: again.changed ? again.registry : undefined, result: again };
    },
    options,
  );
  return result;
}
