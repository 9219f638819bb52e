/**
 * Port mentions in Markdown, synchronously, with micromark loaded up front: the library's API.
 * The scanner uses readMarkdown (markdown-facts.ts) and loads micromark only when a file needs it.
 */
import { readMarkdown, type MarkdownParseResult } from './markdown-facts.js';
import { markdownTree } from './markdown-tree.js';

export type { MarkdownParseResult } from './markdown-facts.js';

export function parseMarkdown(text: string, file: string): MarkdownParseResult {
  return readMarkdown(text, file, markdownTree)!;
}

/** The same without skipping blocks: the whole file goes to micromark (the reference the skipping is tested against). */
export function parseMarkdownWhole(text: string, file: string): MarkdownParseResult {
  return readMarkdown(text, file, markdownTree, false)!;
}
