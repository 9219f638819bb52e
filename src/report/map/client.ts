/**
 * The page's script, as text: it reads the model from `#portreg-map-data`, redraws the band with
 * `bandSvg` (whose source the page carries before this script) when the view zooms or the filter
 * changes, and shows a project's services and findings when it is clicked. Every name from the
 * model reaches the page as text (textContent) or through bandSvg's escaping, never as markup.
 * Plain ES2020 for any current browser; test/report/map/page.test.ts runs it in Chromium.
 */
export const CLIENT_SCRIPT = String.raw`(() => {
  'use strict';
  const model = JSON.parse(document.getElementById('portreg-map-data').textContent);
  const band = document.getElementById('band');
  const filter = document.getElementById('filter');
  const viewLabel = document.getElementById('view-range');
  const filterCount = document.getElementById('filter-count');
  const details = document.getElementById('details');
  const rows = [...document.querySelectorAll('#projects tbody tr')];
  const findingItems = [...document.querySelectorAll('#findings li')];
  const byName = new Map(model.projects.map((p) => [p.name, p]));
  const full = { from: model.extent.from, to: model.extent.to };
  const MIN_SPAN = 20;
  let view = { from: full.from, to: full.to };
  let selected = null;
  let only = null;

  const fmt = (r) => (r.from === r.to ? String(r.from) : r.from + '-' + r.to);
  const width = () => Math.max(320, band.clientWidth);

  function draw() {
    band.innerHTML = bandSvg(model, view, { width: width(), only: only, selected: selected });
    viewLabel.textContent = 'ports ' + fmt(view);
  }

  // The view stays inside the extent and at least MIN_SPAN ports wide.
  function setView(from, to) {
    let f = Math.round(from);
    let t = Math.round(to);
    if (t - f + 1 < MIN_SPAN) {
      f = Math.round((f + t) / 2 - MIN_SPAN / 2);
      t = f + MIN_SPAN - 1;
    }
    const size = t - f;
    if (f < full.from) {
      f = full.from;
      t = Math.min(full.to, f + size);
    }
    if (t > full.to) {
      t = full.to;
      f = Math.max(full.from, t - size);
    }
    view = { from: f, to: t };
    draw();
  }

  function zoomAt(port, factor) {
    setView(port - (port - view.from) * factor, port + (view.to - port) * factor);
  }

  function portAt(clientX) {
    const box = band.getBoundingClientRect();
    const frac = Math.min(1, Math.max(0, (clientX - box.left - 8) / (width() - 16)));
    return view.from + frac * (view.to + 1 - view.from);
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function table(head, body, cls) {
    const t = el('table', null, cls);
    const tr = el('tr');
    for (const h of head) tr.append(el('th', h));
    t.append(el('thead'));
    t.tHead.append(tr);
    const tb = el('tbody');
    for (const cells of body) {
      const r = el('tr');
      for (const c of cells) r.append(el('td', c));
      tb.append(r);
    }
    t.append(tb);
    return t;
  }

  function showDetails(p) {
    details.replaceChildren();
    details.hidden = false;
    details.append(el('h2', p.name + ' ' + fmt(p.range), 'details-title'));
    if (p.description) details.append(el('p', p.description));
    if (p.path) details.append(el('p', 'path: ' + p.path, 'path'));
    if (p.slots) details.append(el('p', p.slots.count + ' slots of ' + p.slots.width + ' ports', 'slots'));
    if (p.services.length) {
      details.append(
        table(
          ['Service', 'Port', 'Protocol', 'Purpose', 'Env'],
          p.services.map((s) => [s.name, s.port, s.protocols.join(', '), s.purpose, s.env || '']),
          'services',
        ),
      );
    } else details.append(el('p', 'No services registered.', 'services-none'));
    const written = p.marks.filter((m) => m.places.length);
    if (written.length) {
      details.append(el('h3', 'Ports in its files'));
      const ul = el('ul', null, 'places');
      for (const m of written) {
        const li = el('li', fmt({ from: m.port, to: m.to }) + ' ' + m.services.join(', ') + (m.registered ? '' : ' (not registered)') + (m.inRange ? '' : ' (outside its range)') + ': ' + m.places.map((pl) => pl.file + ':' + pl.line + ':' + pl.column).join(', '));
        if (m.flagged) li.className = 'flagged';
        ul.append(li);
      }
      details.append(ul);
    }
    if (p.findings.length) {
      details.append(el('h3', 'Findings'));
      const ul = el('ul', null, 'findings');
      for (const i of p.findings) {
        const f = model.findings[i];
        const li = el('li', null, 'finding finding-' + f.severity);
        li.append(el('span', f.file + ':' + f.line + ':' + f.column, 'where'), ' ', el('span', f.severity, 'severity'), ' ' + f.message + ' ', el('span', '(' + f.ruleId + ')', 'rule'));
        ul.append(li);
      }
      details.append(ul);
    }
  }

  function select(name) {
    const p = byName.get(name);
    if (!p) return;
    selected = name;
    const pad = Math.max(5, Math.round((p.range.to - p.range.from + 1) * 0.1));
    for (const r of rows) r.classList.toggle('selected', r.dataset.project === name);
    showDetails(p);
    setView(p.range.from - pad, p.range.to + pad);
    // Chosen from the table far below: bring the controls, the band and the details into view.
    const box = band.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) document.querySelector('.controls').scrollIntoView({ block: 'start' });
  }

  function matches(p, q) {
    if (/^\d+$/.test(q)) {
      const port = Number(q);
      if (port >= p.range.from && port <= p.range.to) return true;
    }
    const words = [p.name, p.path || '', p.description || ''];
    for (const s of p.services) words.push(s.name, String(s.port), s.purpose, s.env || '');
    return words.some((w) => w.toLowerCase().includes(q));
  }

  function applyFilter() {
    const q = filter.value.trim().toLowerCase();
    only = q ? model.projects.filter((p) => matches(p, q)).map((p) => p.name) : null;
    const keep = only && new Set(only);
    for (const r of rows) r.hidden = keep !== null && !keep.has(r.dataset.project);
    for (const li of findingItems) li.hidden = keep !== null && !keep.has(li.dataset.project || '');
    filterCount.textContent = only ? only.length + ' of ' + model.projects.length + ' projects' : '';
    draw();
  }

  // A click selects; a drag pans (and is not a click); the wheel zooms around the pointer.
  let drag = null;
  band.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, view: view, moved: false };
  });
  window.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (!drag.moved) return;
    const ports = (dx / (width() - 16)) * (drag.view.to + 1 - drag.view.from);
    setView(drag.view.from - ports, drag.view.to - ports);
  });
  window.addEventListener('pointerup', () => {
    setTimeout(() => (drag = null), 0);
  });
  band.addEventListener('click', (e) => {
    if (drag && drag.moved) return;
    const g = e.target.closest('[data-project]');
    if (g) select(g.getAttribute('data-project'));
  });
  band.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      zoomAt(portAt(e.clientX), e.deltaY > 0 ? 1.25 : 0.8);
    },
    { passive: false },
  );
  document.querySelector('#projects tbody').addEventListener('click', (e) => {
    const r = e.target.closest('tr[data-project]');
    if (r) select(r.dataset.project);
  });
  document.getElementById('zoom-out').addEventListener('click', () => zoomAt((view.from + view.to) / 2, 2));
  document.getElementById('zoom-reset').addEventListener('click', () => setView(full.from, full.to));
  filter.addEventListener('input', applyFilter);
  window.addEventListener('resize', draw);
  if (filter.value) applyFilter();
  else draw();
})();
`;
