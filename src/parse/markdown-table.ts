/**
 * GFM tables as mdast nodes (table, tableRow, tableCell), for mdast-util-from-markdown over the
 * tokens of micromark-extension-gfm-table.
 *
 * Our own, not mdast-util-gfm-table: that package also brings the Markdown serializer
 * (mdast-util-to-markdown and its dependencies, some 60 modules) into every process that parses a
 * README, `portreg lint` on one file included. The scanner reads positions only, so column
 * alignment is not kept, and `\|` in inline code stays as written (it only matters to a header
 * cell's text, of which only the letters count).
 */
import type { CompileContext, Extension, Token } from 'mdast-util-from-markdown';

function enterTable(this: CompileContext, token: Token): void {
  this.enter({ type: 'table', children: [] }, token);
}

function enterRow(this: CompileContext, token: Token): void {
  this.enter({ type: 'tableRow', children: [] }, token);
}

function enterCell(this: CompileContext, token: Token): void {
  this.enter({ type: 'tableCell', children: [] }, token);
}

function exit(this: CompileContext, token: Token): void {
  this.exit(token);
}

export const tableFromMarkdown: Extension = {
  enter: { table: enterTable, tableRow: enterRow, tableHeader: enterCell, tableData: enterCell },
  exit: { table: exit, tableRow: exit, tableHeader: exit, tableData: exit },
};
