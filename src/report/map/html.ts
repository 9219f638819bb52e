/**
 * `portreg map`: one self-contained HTML page. Styles, script and data are inline, and the page's
 * Content-Security-Policy lets it load nothing (no fonts, scripts, images or requests), so it
 * opens offline, from a file or an artifact. What the page shows before any script runs is
 * rendered here (the band over the whole extent, the tables, the findings); the script
 * (client.ts) redraws the band for zoom and filter with the same drawing function (band.ts).
 */
import type { MapModel } from '../../map/model.js';
import { BAND_HEIGHT, bandSvg } from './band.js';
import { CLIENT_SCRIPT } from './client.js';
import { LEGEND, summaryLine } from './svg.js';
import { escapeXml as esc, jsonForScript } from './text.js';

export interface MapHtmlOptions {
  title?: string;
  /** The registry the page was drawn from, as the user names it. */
  source?: string;
}

const fmt = (r: { from: number; to: number }) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`);

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 20px; color: #1c2833; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; color: #0d2c54; }
h2 { font-size: 16px; margin: 20px 0 6px; color: #0d2c54; }
h3 { font-size: 14px; margin: 12px 0 4px; }
.summary, .source { margin: 0; color: #37474f; }
.controls { display: flex; gap: 8px; align-items: center; margin: 12px 0 6px; flex-wrap: wrap; }
.controls input { font: inherit; padding: 4px 8px; width: 320px; }
.controls button { font: inherit; padding: 3px 10px; }
#view-range, #filter-count { color: #37474f; }
#band { height: ${BAND_HEIGHT}px; border: 1px solid #cfd8dc; overflow: hidden; user-select: none; touch-action: none; }
#band svg { display: block; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; margin: 6px 0; color: #37474f; font-size: 12px; }
.legend svg { vertical-align: -2px; margin-right: 4px; }
table { border-collapse: collapse; margin: 4px 0; }
th, td { border: 1px solid #cfd8dc; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #eceff1; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
#projects tbody tr { cursor: pointer; }
#projects tbody tr:hover { background: #f1f6fd; }
#projects tbody tr.selected { background: #dbe7f7; }
#details { border: 1px solid #4a78b5; padding: 4px 12px 10px; margin: 10px 0; background: #f8fbff; }
.finding, .flagged, td.bad { color: #c62828; }
.finding .where { font-family: ui-monospace, monospace; }
.finding .rule { color: #78909c; }
ul { margin: 4px 0; padding-left: 20px; }
`;

export function renderMapHtml(model: MapModel, options: MapHtmlOptions = {}): string {
  const title = options.title ?? 'portreg map';
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may be fetched: the page is whole as it is.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(title)}</h1>`,
    `<p class="summary" id="summary">${esc(`ports ${fmt(model.extent)} (project space ${fmt(model.space)}): ${summaryLine(model)}`)}</p>`,
    ...(options.source ? [`<p class="source">${esc(`from ${options.source}`)}</p>`] : []),
    '<div class="controls">',
    '<input id="filter" type="search" placeholder="Filter: project, path, service, port" aria-label="Filter projects">',
    '<button id="zoom-out" type="button">Zoom out</button>',
    '<button id="zoom-reset" type="button">Whole space</button>',
    `<span id="view-range">${esc(`ports ${fmt(model.extent)}`)}</span>`,
    '<span id="filter-count"></span>',
    '</div>',
    `<div id="band">${bandSvg(model, model.extent, { width: 1200 })}</div>`,
    legend(),
    '<p class="hint">Wheel to zoom, drag to pan, click a project to zoom to its range and see its services.</p>',
    '<section id="details" hidden></section>',
    ...findingsSection(model),
    ...projectsTable(model),
    ...reservationsTable(model),
    ...freeTable(model),
    `<script type="application/json" id="portreg-map-data">${jsonForScript(model)}</script>`,
    `<script>\nconst bandSvg = ${bandSvg.toString()};\n${CLIENT_SCRIPT}</script>`,
    '</body>',
    '</html>',
  ];
  return out.join('\n') + '\n';
}

function legend(): string {
  const items = LEGEND.map((item) => {
    const hatch = item.fill.startsWith('url(') ? item.fill.slice(5, -1) : null;
    const defs = hatch
      ? `<defs><pattern id="${hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${hatch.endsWith('error') ? '#fdecea' : '#fff8e1'}"/><line x1="0" y1="0" x2="0" y2="6" stroke="${hatch.endsWith('error') ? '#c62828' : '#e0a800'}" stroke-width="2.5"/></pattern></defs>`
      : '';
    return `<span class="${item.cls}"><svg width="12" height="12">${defs}<rect width="12" height="12" fill="${item.fill}" stroke="#90a4ae" stroke-width="0.5"/></svg>${esc(item.label)}</span>`;
  });
  return `<div class="legend">${items.join('')}</div>`;
}

function findingsSection(model: MapModel): string[] {
  if (model.findings.length === 0) return ['<h2>Findings</h2>', '<p id="no-findings">No problems found.</p>', '<ul id="findings"></ul>'];
  const items = model.findings.map(
    (f) =>
      `<li class="finding finding-${f.severity}"${f.project !== null ? ` data-project="${esc(f.project)}"` : ''}><span class="where">${esc(`${f.file}:${f.line}:${f.column}`)}</span> <span class="severity">${f.severity}</span> ${esc(f.message)} <span class="rule">(${esc(f.ruleId)})</span></li>`,
  );
  return [`<h2>Findings (${model.findings.length})</h2>`, '<ul id="findings">', ...items, '</ul>'];
}

function projectsTable(model: MapModel): string[] {
  const rows = model.projects.map((p) => {
    const used = p.marks.filter((m) => m.places.length > 0).length;
    const errors = p.findings.some((i) => model.findings[i]!.severity === 'error');
    return `<tr data-project="${esc(p.name)}"><td>${esc(p.name)}</td><td class="num${p.outsideSpace ? ' bad' : ''}">${fmt(p.range)}</td><td class="num">${p.range.to - p.range.from + 1}</td><td class="num">${p.services.length}</td><td class="num">${used}</td><td class="num">${p.unregistered}</td><td class="num">${p.slots ? `${p.slots.count} × ${p.slots.width}` : ''}</td><td class="num${errors ? ' bad' : ''}">${p.findings.length}</td><td>${esc(p.path ?? '')}</td></tr>`;
  });
  return [
    `<h2>Projects (${model.projects.length})</h2>`,
    '<table id="projects">',
    '<thead><tr><th>Project</th><th>Range</th><th>Size</th><th>Services</th><th>Ports in files</th><th>Unallocated</th><th>Slots</th><th>Findings</th><th>Path</th></tr></thead>',
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
  ];
}

function reservationsTable(model: MapModel): string[] {
  const rows = model.reservations.map(
    (r) =>
      `<tr class="reservation-${r.severity}"><td class="num">${fmt(r.range)}</td><td>${r.severity === 'error' ? 'reserved' : 'to avoid'}</td><td>${esc(r.reason)}</td><td>${esc(r.owner ?? '')}</td><td>${esc(r.protocol ?? 'all')}</td></tr>`,
  );
  return [
    `<h2>Reserved and to avoid (${model.reservations.length})</h2>`,
    '<table id="reservations">',
    '<thead><tr><th>Ports</th><th>Kind</th><th>Reason</th><th>Owner</th><th>Protocol</th></tr></thead>',
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
  ];
}

function freeTable(model: MapModel): string[] {
  const rows = model.free.map((f) => `<tr><td class="num">${fmt(f)}</td><td class="num">${f.to - f.from + 1}</td></tr>`);
  return [
    `<h2>Free blocks of the project space (${model.free.length})</h2>`,
    '<table id="free">',
    '<thead><tr><th>Ports</th><th>Size</th></tr></thead>',
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
  ];
}
