/**
 * The parsers' output: every port found in a file, with its exact place.
 * The JSON of `portreg scan` (schemas/scan.schema.json) is built from these.
 */
import type { Finding } from '../findings.js';
import type { Protocol } from '../protocol.js';

/** package-json: a package.json's `scripts`; devcontainer: `.devcontainer/devcontainer.json` or `.devcontainer.json`. */
export type PortSource = 'compose' | 'env' | 'markdown' | 'code' | 'package-json' | 'devcontainer';

/**
 * What an occurrence is:
 * - published: a host port a compose service publishes (short or long `ports` syntax, or a container port under network_mode: host),
 *   code listens on, a package.json script's server binds, or a devcontainer forwards or publishes;
 * - target: the container side of a mapping (never a host port);
 * - expose: a port under `expose` (container only);
 * - env: a value of a port variable (`API_PORT=5000`) in an env template or a service's environment;
 * - url: a port inside a URL or host:port in a config value (`postgres://db:5432/app`);
 * - mention: a port named in prose or docs (`localhost:5000`, `-p 5000:5000`, a table cell);
 * - reference: a mention or value that points at another project's registered port.
 */
export type PortKind = 'published' | 'target' | 'expose' | 'env' | 'url' | 'mention' | 'reference';

/** 0-based offsets into the file's text, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/**
 * A port as a parser sees it, before the inventory knows projects and services.
 * Positions: `span` is in UTF-16 offsets of the decoded text (what the parsers and the fixer use);
 * the inventory adds byte offsets for the JSON contract.
 */
export interface RawPortFact {
  source: PortSource;
  kind: PortKind;
  /** Where the number itself stands (for a range, the whole range text; for an interpolation, the default digits). */
  span: Span;
  /** The compose service key, or null. */
  composeService: string | null;
  hostIp: string | null;
  /** The host port (for an env value or a mention: the port it names); null when not published. */
  published: number | null;
  publishedEnd: number | null;
  /** The container port, where known. */
  target: number | null;
  targetEnd: number | null;
  protocol: Protocol | null;
  /** The variable that carries the port (`API_PORT`), or null. */
  variable: string | null;
  /** False when the port comes from a variable that has no value anywhere (`${API_PORT}` alone). */
  resolved: boolean;
  /** The text as written, for example `"${API_PORT:-5000}:3000"`'s entry or `localhost:5000`. */
  raw: string;
  /** A hint for mentions: the host named with the port (`localhost`, a service name), when there is one. */
  host?: string | null;
  /** Extra context a parser knows (the env key, the table column, the markdown code block language). */
  context?: string | null;
  /**
   * An address a compose service announces to clients on the host (`--advertise-addr localhost:8082`
   * in its command, Kafka's `KAFKA_ADVERTISED_LISTENERS`): the service's own host port.
   */
  advertised?: boolean;
  /**
   * Compose: the port is written in an unquoted scalar inside a flow collection (`ports: [5001:80]`,
   * `{ published: 5001 }`), where `{`, `}` and `,` cannot be written without quoting the whole
   * value: a fix that writes `${VAR:-5001}` there is not certain.
   */
  plainInFlow?: boolean;
}

/** What one parser returns for one file. */
export interface ParsedFile {
  facts: RawPortFact[];
  /** Problems in the file (parse errors, YAML 1.1 traps), positioned; the scan goes on. */
  findings: Finding[];
}
