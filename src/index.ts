/**
 * portreg as a library: the same functions the CLI and the MCP server use.
 */
export { scan, SCAN_FORMAT_VERSION } from './scan/scan.js';
export type { ScanOptions, ScanResult, PortFact, ScannedFile } from './scan/scan.js';
export type { Stack, StackService, MergeStep } from './scan/stacks.js';
export { parsePortSpec, PortSpecError } from './parse/port-spec.js';
export type { PortSpecEntry } from './parse/port-spec.js';
export { interpolate, resolveTemplate, parseTemplate, InterpolationError } from './parse/interpolate.js';
export { parseCompose } from './parse/compose.js';
export { parseEnv } from './parse/env.js';
export { parseMarkdown } from './parse/markdown.js';

// Lint, then fix (as knip's main, then fix): the workflow of `portreg lint`, config baseline and rule settings included.
export { lintTree, fixTree, runLint, prepareLint, lintPrepared } from './lint/run-lint.js';
export type {
  RunLintOptions,
  LintRunResult,
  LintTreeOptions,
  LintTreeResult,
  LintWorkflowOptions,
  PreparedLint,
  FixedFile,
  RegistryChangeSummary,
} from './lint/run-lint.js';
export type { LintFinding } from './lint/lint.js';
export type { Fix, TextEdit } from './findings.js';
// Rendering: the reports of `portreg lint --format <name>`, and the diff of --fix-dry-run.
export { renderReport, reportContext } from './lint/render.js';
export { REPORTERS, isReporterName } from './report/index.js';
export type { ReporterName, Reporter, ReportInput, ReportContext, JsonReport } from './report/index.js';
export { unifiedDiff } from './fix/diff.js';

export { loadRegistry, parseRegistryText } from './registry/load.js';
export type { LoadedRegistry } from './registry/load.js';
export { locateRegistry } from './config/locate-registry.js';
export { updateRegistry } from './registry/store.js';
export { allocatePort, releaseService, addProject, describePort } from './registry/allocator.js';
export type { AllocationRequest, AllocationResult } from './registry/allocator.js';
export { serializeRegistry } from './registry/serialize.js';
export { newRegistry, DEFAULT_RESERVATIONS } from './registry/defaults.js';
export type { Registry, Project, Service, Reservation, PortRange } from './registry/types.js';
export type { Protocol } from './protocol.js';
export { listListeners, livePorts } from './live/listeners.js';
export type { Listener } from './live/listeners.js';

export type { Finding, Location, Severity } from './findings.js';
export { PortregError, ExitCode } from './errors.js';

export { planGenerate, staleFiles, FILE_TARGETS } from './generate/plan.js';
export type { GenerateInput, GeneratePlan, GeneratedFile, GenerateSettings, FileTarget } from './generate/plan.js';
export { planCompose, composeEntries } from './generate/compose.js';
export { allocateWithUpdate } from './generate/update.js';
export type { AllocateUpdateResult } from './generate/update.js';
