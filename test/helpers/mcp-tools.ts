/** The tools the MCP server `meta` lists, sorted: written once, asserted by every transport's test. */
export const TOOL_NAMES = [
  'acquire_slot',
  'allocate_port',
  'check_port',
  'lint',
  'list_ports',
  'reassign_port',
  'release_port',
  'release_slot',
  'worktree_ports',
];
