/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning (upload-sarif) and other viewers.
 *
 * - One run; `tool.driver.rules` lists every known rule, so a result's `ruleIndex` points into it.
 * - Paths are relative to the repository root (`uriBaseId: "%SRCROOT%"`), `/`-separated and
 *   percent-encoded where a URI needs it.
 * - Regions: 1-based lines and columns in UTF-16 code units, `endColumn` exclusive (as ours is);
 *   `byteOffset`/`byteLength` too when the finding knows its UTF-8 byte range.
 * - `partialFingerprints["portreg/v1"]`: sha256 of rule, file and what the finding is about (its
 *   baseline key, else its message), then `:n` for the n-th finding with that identity. No line
 *   numbers, so an alert survives edits above it.
 * - Related locations get ids 1..n and are linked from the message (GitHub shows them only then).
 * - At most 25,000 results (GitHub's limit per run), errors first; the rest are counted in
 *   `run.properties` and a tool execution notification.
 * - No `security-severity`: these are configuration problems, not vulnerabilities.
 */
import { createHash } from 'node:crypto';
import type { Location } from '../findings.js';
import type { LintFinding } from '../findings.js';
import type { RuleMeta } from '../rules/types.js';
import { ruleDocsUrl } from './markdown.js';
import type { ReportContext, ReportInput, Reporter } from './types.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** GitHub code scanning accepts at most this many results per run. */
export const SARIF_MAX_RESULTS = 25_000;
export const SARIF_FINGERPRINT = 'portreg/v1';
export const SRCROOT = '%SRCROOT%';

type Json = Record<string, unknown>;

/** `port-out-of-range` → `PortOutOfRange`. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function firstSentence(text: string): string {
  const m = /^.*?[.!?](?=\s|$)/s.exec(text);
  return m ? m[0] : text;
}

function isAbsoluteUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** A root-relative path as a relative URI reference: `/` separators, each segment percent-encoded. */
export function pathToUri(file: string): string {
  const clean = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  return clean
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%(24|26|2B|2C|3B|3D|40)/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))))
    .join('/');
}

function ruleDescriptor(rule: RuleMeta, context: ReportContext): Json {
  const url = ruleDocsUrl(context, rule.id);
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: firstSentence(rule.description) },
    fullDescription: { text: rule.description },
    help: url
      ? { text: `${rule.description}\n\nDocumentation: ${url}`, markdown: `${rule.description}\n\n[Documentation of ${rule.id}](${url})` }
      : { text: rule.description, markdown: rule.description },
    ...(url && isAbsoluteUrl(url) ? { helpUri: url } : {}),
    defaultConfiguration: { level: rule.defaultSeverity },
    properties: { fixable: rule.fixable, scope: rule.scope },
  };
}

function physicalLocation(l: Location): Json {
  const region: Json = { startLine: l.line, startColumn: l.column, endLine: l.endLine, endColumn: l.endColumn };
  if (l.start !== undefined && l.end !== undefined && l.end >= l.start) {
    region.byteOffset = l.start;
    region.byteLength = l.end - l.start;
  }
  return { artifactLocation: { uri: pathToUri(l.file), uriBaseId: SRCROOT }, region };
}

/** SARIF embedded links treat `[`, `]` and `\` specially: escape them in link text. */
function escapeLinkText(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

function fingerprintBase(f: LintFinding): string {
  return createHash('sha256')
    .update([f.ruleId, f.file, f.key ?? f.message].join('\u0000'), 'utf8')
    .digest('hex');
}

function result(f: LintFinding, fingerprint: string, ruleIndex: Map<string, number>): Json {
  const related = f.related ?? [];
  const links = related.map((r, i) => `[${escapeLinkText(`${r.file}:${r.line}:${r.column}`)}](${i + 1})`);
  const text = links.length > 0 ? `${f.message} (related: ${links.join(', ')})` : f.message;
  const index = ruleIndex.get(f.ruleId);
  return {
    ruleId: f.ruleId,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    level: f.severity,
    message: { text },
    locations: [{ physicalLocation: physicalLocation(f) }],
    ...(related.length > 0
      ? {
          relatedLocations: related.map((r, i) => ({
            id: i + 1,
            physicalLocation: physicalLocation(r),
            message: { text: r.message ?? `${r.file}:${r.line}:${r.column}` },
          })),
        }
      : {}),
    partialFingerprints: { [SARIF_FINGERPRINT]: fingerprint },
  };
}

/** The SARIF log as an object (what formatSarif prints). */
export function toSarif(input: ReportInput, context: ReportContext): Json {
  const ruleIndex = new Map<string, number>();
  context.rules.forEach((r, i) => {
    if (!ruleIndex.has(r.id)) ruleIndex.set(r.id, i);
  });

  // Fingerprints over every finding, before the cap, so they do not depend on what is cut.
  const seen = new Map<string, number>();
  const fingerprints = input.findings.map((f) => {
    const base = fingerprintBase(f);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${base}:${n}`;
  });

  // Errors first when there are too many; the kept ones stay in the order given.
  let keep = input.findings.map((_f, i) => i);
  if (keep.length > SARIF_MAX_RESULTS) {
    const errors = keep.filter((i) => input.findings[i]!.severity === 'error');
    const warnings = keep.filter((i) => input.findings[i]!.severity !== 'error');
    keep = [...errors, ...warnings].slice(0, SARIF_MAX_RESULTS).sort((a, b) => a - b);
  }
  const omitted = input.findings.length - keep.length;

  const invocation: Json = { executionSuccessful: true };
  if (input.skipped.length > 0) {
    invocation.toolConfigurationNotifications = input.skipped.map((s) => {
      const index = ruleIndex.get(s.ruleId);
      return {
        level: 'note',
        message: { text: `${s.ruleId} did not run: ${s.reason}` },
        associatedRule: { id: s.ruleId, ...(index !== undefined ? { index } : {}) },
      };
    });
  }
  if (omitted > 0) {
    invocation.toolExecutionNotifications = [
      {
        level: 'warning',
        message: {
          text: `${input.findings.length} findings, of which only the first ${keep.length} (errors first) are in this log: GitHub code scanning accepts at most ${SARIF_MAX_RESULTS} results per run. Run portreg lint for the full list.`,
        },
      },
    ];
  }

  const informationUri = context.docsBase === undefined ? undefined : `${context.docsBase}README.md`;
  const run: Json = {
    tool: {
      driver: {
        name: 'portreg',
        version: context.toolVersion,
        ...(informationUri && isAbsoluteUrl(informationUri) ? { informationUri } : {}),
        rules: context.rules.map((r) => ruleDescriptor(r, context)),
      },
    },
    invocations: [invocation],
    originalUriBaseIds: {
      [SRCROOT]: { description: { text: 'The root of the linted tree: the repository root in CI.' } },
    },
    columnKind: 'utf16CodeUnits',
    results: keep.map((i) => result(input.findings[i]!, fingerprints[i]!, ruleIndex)),
  };
  if (omitted > 0) run.properties = { truncated: true, totalResults: input.findings.length, omittedResults: omitted };

  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

export const formatSarif: Reporter = (input, context) => JSON.stringify(toSarif(input, context), null, 2) + '\n';
