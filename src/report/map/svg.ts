/**
 * `portreg map --format svg`: a static picture for a README: a title line with the totals, the
 * band over the whole extent, and a legend. Pure: the same model gives the same bytes.
 */
import type { MapModel } from '../../map/model.js';
import { BAND_HEIGHT, bandSvg } from './band.js';
import { escapeXml, plural } from './text.js';

export interface MapSvgOptions {
  width?: number;
  title?: string;
}

/** The legend: what each colour and hatch means (shared by the page). */
export const LEGEND: { cls: string; label: string; fill: string }[] = [
  { cls: 'legend-project', label: 'project range', fill: '#dbe7f7' },
  { cls: 'legend-free', label: 'free', fill: '#e6f4ea' },
  { cls: 'legend-reserved', label: 'reserved', fill: 'url(#legend-hatch-error)' },
  { cls: 'legend-avoid', label: 'to avoid', fill: 'url(#legend-hatch-warning)' },
  { cls: 'legend-used', label: 'port in use', fill: '#1565c0' },
  { cls: 'legend-registered', label: 'registered, not in files', fill: '#90a4ae' },
  { cls: 'legend-unregistered', label: 'in files, not registered', fill: '#6a1b9a' },
  { cls: 'legend-finding', label: 'finding', fill: '#d32f2f' },
];

export function summaryLine(model: MapModel): string {
  const t = model.totals;
  return `${plural(t.projects, 'project')}, ${plural(t.services, 'service')}, ${plural(t.freePorts, 'free port')} in ${plural(t.freeBlocks, 'free block')}, ${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')}`;
}

export function renderMapSvg(model: MapModel, options: MapSvgOptions = {}): string {
  const width = options.width ?? 1200;
  const title = options.title ?? 'portreg map';
  const top = 44;
  const legendY = top + BAND_HEIGHT + 14;
  const height = legendY + 24;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    '<defs>',
    '<pattern id="legend-hatch-error" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fdecea"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c62828" stroke-width="2.5"/></pattern>',
    '<pattern id="legend-hatch-warning" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff8e1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e0a800" stroke-width="2.5"/></pattern>',
    '</defs>',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="8" y="18" font-size="15" font-weight="bold" fill="#0d2c54">${escapeXml(title)}</text>`,
    `<text class="summary" x="8" y="36" fill="#37474f">${escapeXml(`ports ${model.extent.from}-${model.extent.to}: ${summaryLine(model)}`)}</text>`,
    `<g transform="translate(0 ${top})">`,
    bandSvg(model, model.extent, { width }),
    '</g>',
    `<g class="legend" transform="translate(8 ${legendY})">`,
  ];
  let lx = 0;
  for (const item of LEGEND) {
    out.push(`<rect class="${item.cls}" x="${lx}" y="0" width="12" height="12" fill="${item.fill}" stroke="#90a4ae" stroke-width="0.5"/>`);
    out.push(`<text x="${lx + 16}" y="10" fill="#37474f">${escapeXml(item.label)}</text>`);
    lx += 16 + item.label.length * 7 + 14;
  }
  out.push('</g>', '</svg>');
  return out.join('\n') + '\n';
}
