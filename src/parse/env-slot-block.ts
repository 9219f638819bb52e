/**
 * The slot block of a checkout's env file: the lines between `# portreg:slot-start` and
 * `# portreg:slot-end` that `portreg env --write` owns (each service's port in the checkout's slot,
 * and COMPOSE_PROJECT_NAME). Its values are this machine's lease, not the registry's ports, so
 * the env parser leaves them out of the facts lint holds to the registry; the writer
 * (slots/env-file.ts) finds the block to replace here too. Unlike `# portreg:start` regions
 * (generate/markers.ts), a slot block is never the registry's text.
 */
export const SLOT_MARKERS = { start: '# portreg:slot-start', end: '# portreg:slot-end' } as const;

const MARKER = /^[ \t]*#[ \t]*portreg:slot-(start|end)(?![\w:-])/;

export interface SlotBlock {
  /** Where the start marker's line begins, and where the end marker's line ends (after its line break). */
  outerStart: number;
  outerEnd: number;
  /** False when the start marker has no end: the block runs to the end of the file. */
  closed: boolean;
}

/** The slot blocks of an env file's text, in order (UTF-16 offsets). */
export function slotBlocks(text: string): SlotBlock[] {
  const blocks: SlotBlock[] = [];
  let open: number | null = null;
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl + 1;
    const m = MARKER.exec(text.slice(start === 0 ? (text.startsWith('\uFEFF') ? 1 : 0) : start, end));
    if (m?.[1] === 'start' && open === null) open = start;
    else if (m?.[1] === 'end' && open !== null) {
      blocks.push({ outerStart: open, outerEnd: end, closed: true });
      open = null;
    }
    start = end;
  }
  if (open !== null) blocks.push({ outerStart: open, outerEnd: text.length, closed: false });
  return blocks;
}

/** Whether offset `at` lies in one of the blocks. */
export function inSlotBlock(blocks: readonly SlotBlock[], at: number): boolean {
  return blocks.some((b) => at >= b.outerStart && at < b.outerEnd);
}
