/**
 * micromark, through mdast-util-from-markdown, with GFM tables: the Markdown parser for what
 * markdown-simple.ts cannot read. Its own module so that it loads only when a file needs it.
 */
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTable } from 'micromark-extension-gfm-table';
import { tableFromMarkdown } from './markdown-table.js';

/** GFM tables on top of CommonMark; created once, not per file. */
const PARSE_OPTIONS = { extensions: [gfmTable()], mdastExtensions: [tableFromMarkdown] };

export function markdownTree(source: string): Root {
  return fromMarkdown(source, PARSE_OPTIONS);
}
