/**
 * The band: the port space between `view.from` and `view.to` as one SVG picture. Rows from the
 * top: the axis, the reservations (hatched: red reserved, amber to avoid), the project ranges
 * (labelled blocks, slot boundaries dashed) on the free blocks (green), the used ports (marks),
 * and the findings (red).
 *
 * One function draws it for both outputs: `portreg map --format svg` calls it here, and the HTML
 * page carries its source (`bandSvg.toString()`) to redraw when the view zooms or the filter
 * changes. So it must stay self-contained: no imports, no module-level names, nothing but its
 * arguments (the test of the page runs it in Chromium).
 */
import type { MapModel } from '../../map/model.js';

export interface BandOptions {
  /** Width of the picture in pixels. */
  width: number;
  /** Draw only these projects (the filter); null: all. */
  only?: string[] | null;
  /** The project shown selected. */
  selected?: string | null;
}

export interface PortView {
  from: number;
  to: number;
}

/** Heights of the band's rows (the page sizes its box from BAND_HEIGHT). */
export const BAND_HEIGHT = 118;

export function bandSvg(model: MapModel, view: PortView, options: BandOptions): string {
  const esc = (s: string | number): string =>
    String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
  const fmt = (r: { from: number; to: number }) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`);
  const round = (n: number) => Math.round(n * 10) / 10;
  const W = options.width;
  const H = 118;
  const left = 8;
  const right = 8;
  const span = view.to + 1 - view.from;
  const x = (port: number) => round(left + ((port - view.from) / span) * (W - left - right));
  const clip = (r: { from: number; to: number }) =>
    r.to < view.from || r.from > view.to ? null : { from: Math.max(r.from, view.from), to: Math.min(r.to, view.to) };
  // A block at least 1.5px wide, so a single port shows at any zoom.
  const box = (r: { from: number; to: number }) => {
    const x0 = x(r.from);
    return { x: x0, w: Math.max(1.5, round(x(r.to + 1) - x0)) };
  };
  const only = options.only ? new Set(options.only) : null;
  const shown = (project: string | null) => only === null || (project !== null && only.has(project));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="band" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="11" role="img" aria-label="${esc(`ports ${fmt(view)}`)}">`,
    '<defs>',
    '<pattern id="hatch-error" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fdecea"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c62828" stroke-width="2.5"/></pattern>',
    '<pattern id="hatch-warning" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff8e1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e0a800" stroke-width="2.5"/></pattern>',
    '</defs>',
    `<rect class="background" x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`,
  );

  // Axis: round steps (1, 2 or 5 times a power of ten), about one per 100px.
  const target = Math.max(2, Math.floor((W - left - right) / 100));
  let step = 1;
  for (let p = 1; ; p *= 10) {
    const s = [p, 2 * p, 5 * p].find((c) => span / c <= target);
    if (s !== undefined) {
      step = s;
      break;
    }
  }
  out.push(`<line class="axis" x1="${left}" y1="20" x2="${W - right}" y2="20" stroke="#546e7a"/>`);
  for (let t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
    const tx = x(t);
    out.push(`<line class="tick" x1="${tx}" y1="16" x2="${tx}" y2="20" stroke="#546e7a"/>`);
    // Labels near an edge are anchored inside it, so none is cut.
    const anchor = tx - left < 20 ? 'start' : W - right - tx < 20 ? 'end' : 'middle';
    out.push(`<text class="tick-label" x="${tx}" y="12" text-anchor="${anchor}" fill="#37474f">${t}</text>`);
  }

  // Reservations: the row above the projects, hatched, the reason in the title.
  for (const r of model.reservations) {
    const c = clip(r.range);
    if (!c) continue;
    const b = box(c);
    const kind = r.severity === 'error' ? 'reserved' : 'to avoid';
    const who = r.owner ? `, for ${r.owner}` : '';
    const proto = r.protocol ? `/${r.protocol}` : '';
    out.push(
      `<rect class="reservation reservation-${r.severity}" x="${b.x}" y="24" width="${b.w}" height="10" fill="url(#hatch-${r.severity})" stroke="${r.severity === 'error' ? '#c62828' : '#e0a800'}" stroke-width="0.5"><title>${esc(`${fmt(r.range)}${proto} ${kind}: ${r.reason}${who}`)}</title></rect>`,
    );
  }

  // Free blocks under the projects.
  for (const f of model.free) {
    const c = clip(f);
    if (!c) continue;
    const b = box(c);
    const size = f.to - f.from + 1;
    out.push(
      `<rect class="free" x="${b.x}" y="38" width="${b.w}" height="40" fill="#e6f4ea"><title>${esc(`${fmt(f)} free (${size} port${size === 1 ? '' : 's'})`)}</title></rect>`,
    );
  }

  // Projects: a labelled block each; red outline when an error is about it.
  const errors = (p: MapModel['projects'][number]) => p.findings.some((i) => model.findings[i]!.severity === 'error');
  for (const p of model.projects) {
    if (!shown(p.name)) continue;
    const c = clip(p.range);
    if (!c) continue;
    const b = box(c);
    const selected = options.selected === p.name;
    const flagged = errors(p);
    const stroke = flagged ? '#d32f2f' : selected ? '#0d2c54' : '#4a78b5';
    const tip = `${p.name} ${fmt(p.range)}: ${p.services.length} service${p.services.length === 1 ? '' : 's'}${p.slots ? `, ${p.slots.count} slots of ${p.slots.width}` : ''}${p.findings.length ? `, ${p.findings.length} finding${p.findings.length === 1 ? '' : 's'}` : ''}`;
    out.push(`<g class="project${selected ? ' selected' : ''}" data-project="${esc(p.name)}" cursor="pointer">`);
    out.push(
      `<rect x="${b.x}" y="38" width="${b.w}" height="40" fill="${selected ? '#b3cdef' : '#dbe7f7'}" stroke="${stroke}" stroke-width="${selected || flagged ? 2 : 1}"/>`,
    );
    if (p.slots) {
      for (let k = 1; k < p.slots.count; k++) {
        const port = p.range.from + k * p.slots.width;
        if (port < view.from || port > view.to) continue;
        out.push(`<line class="slot" x1="${x(port)}" y1="40" x2="${x(port)}" y2="76" stroke="#4a78b5" stroke-dasharray="2 2"/>`);
      }
    }
    // A label where it fits (about 6.5px a character).
    if (b.w >= p.name.length * 6.5 + 8) {
      out.push(`<text class="project-label" x="${round(b.x + b.w / 2)}" y="55" text-anchor="middle" fill="#0d2c54">${esc(p.name)}</text>`);
      const range = fmt(p.range);
      if (b.w >= range.length * 6 + 8)
        out.push(`<text class="range-label" x="${round(b.x + b.w / 2)}" y="70" text-anchor="middle" fill="#546e7a">${range}</text>`);
    }
    out.push(`<title>${esc(tip)}</title></g>`);
  }

  // Marks: the ports in use. Blue: registered and written; grey: registered, written nowhere;
  // purple: written, not registered; red: a finding is about it.
  const marks: { project: string | null; mark: MapModel['unowned'][number] }[] = [];
  for (const p of model.projects) if (shown(p.name)) for (const m of p.marks) marks.push({ project: p.name, mark: m });
  if (only === null) for (const m of model.unowned) marks.push({ project: null, mark: m });
  // Flagged marks last, so a red one is never hidden under another project's mark on the same port.
  marks.sort((a, b) => Number(a.mark.flagged) - Number(b.mark.flagged));
  for (const { project, mark: m } of marks) {
    const c = clip({ from: m.port, to: m.to });
    if (!c) continue;
    const b = box(c);
    const kind = m.flagged ? 'flagged' : m.registered && m.places.length ? 'used' : m.registered ? 'registered' : 'unregistered';
    const color = { flagged: '#d32f2f', used: '#1565c0', registered: '#90a4ae', unregistered: '#6a1b9a' }[kind];
    const where = m.places.length ? `; ${m.places.map((pl) => `${pl.file}:${pl.line}:${pl.column}`).join(', ')}` : '';
    const tip = `${fmt({ from: m.port, to: m.to })} ${project ?? '(no project)'}${m.services.length ? ` ${m.services.join(', ')}` : ''}${m.registered ? '' : ' (not registered)'}${m.inRange || project === null ? '' : ' (outside its range)'}${where}`;
    out.push(`<rect class="mark mark-${kind}" x="${b.x}" y="82" width="${b.w}" height="14" fill="${color}"><title>${esc(tip)}</title></rect>`);
  }

  // Findings that name a port: a red marker under it (warnings too), the messages and places in the title.
  const byPort = new Map<number, MapModel['findings']>();
  for (const f of model.findings) {
    if (f.port === null || !shown(f.project) || f.port < view.from || f.port > view.to) continue;
    byPort.set(f.port, [...(byPort.get(f.port) ?? []), f]);
  }
  for (const [port, list] of [...byPort].sort((a, b) => a[0] - b[0])) {
    const cx = round(x(port) + Math.max(0.75, (x(port + 1) - x(port)) / 2));
    const tip = list.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.message} (${f.ruleId})`).join('\n');
    out.push(`<path class="finding-marker" d="M${cx} 100 l5 10 h-10 z" fill="#d32f2f"><title>${esc(tip)}</title></path>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
