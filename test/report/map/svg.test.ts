import { describe, expect, it } from 'vitest';
import { bandSvg } from '../../../src/report/map/band.js';
import { LEGEND, renderMapSvg } from '../../../src/report/map/svg.js';
import { escapeXml, jsonForScript } from '../../../src/report/map/text.js';
import { smallModel } from './fixture.js';

const DEFS = [
  '<defs>',
  '<pattern id="hatch-error" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fdecea"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c62828" stroke-width="2.5"/></pattern>',
  '<pattern id="hatch-warning" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff8e1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e0a800" stroke-width="2.5"/></pattern>',
  '</defs>',
];

/** Every `<` opens one of the picture's own elements: no text from the model became markup. */
const FOREIGN_TAG = /<(?!\/?(?:svg|defs|pattern|rect|line|text|g|title|path)[\s>/])/;

describe('bandSvg: exact structure', () => {
  it('draws the whole extent: axis, reservations, free blocks, projects with slots, marks, findings', () => {
    const model = smallModel();
    expect(bandSvg(model, model.extent, { width: 116 }).split('\n')).toEqual([
      '<svg xmlns="http://www.w3.org/2000/svg" class="band" width="116" height="118" viewBox="0 0 116 118" font-family="system-ui, sans-serif" font-size="11" role="img" aria-label="ports 5000-5099">',
      ...DEFS,
      '<rect class="background" x="0" y="0" width="116" height="118" fill="#ffffff"/>',
      '<line class="axis" x1="8" y1="20" x2="108" y2="20" stroke="#546e7a"/>',
      '<line class="tick" x1="8" y1="16" x2="8" y2="20" stroke="#546e7a"/>',
      '<text class="tick-label" x="8" y="12" text-anchor="start" fill="#37474f">5000</text>',
      '<line class="tick" x1="58" y1="16" x2="58" y2="20" stroke="#546e7a"/>',
      '<text class="tick-label" x="58" y="12" text-anchor="middle" fill="#37474f">5050</text>',
      '<rect class="reservation reservation-error" x="88" y="24" width="10" height="10" fill="url(#hatch-error)" stroke="#c62828" stroke-width="0.5"><title>5080-5089 reserved: Infra &lt;b&gt;&amp;</title></rect>',
      // One port: drawn 1.5px wide, so it shows at any zoom.
      '<rect class="reservation reservation-warning" x="13" y="24" width="1.5" height="10" fill="url(#hatch-warning)" stroke="#e0a800" stroke-width="0.5"><title>5005 to avoid: avoid</title></rect>',
      '<rect class="free" x="68" y="38" width="20" height="40" fill="#e6f4ea"><title>5060-5079 free (20 ports)</title></rect>',
      '<rect class="free" x="98" y="38" width="10" height="40" fill="#e6f4ea"><title>5090-5099 free (10 ports)</title></rect>',
      '<g class="project" data-project="&lt;script&gt;x" cursor="pointer">',
      '<rect x="8" y="38" width="40" height="40" fill="#dbe7f7" stroke="#4a78b5" stroke-width="1"/>',
      '<line class="slot" x1="28" y1="40" x2="28" y2="76" stroke="#4a78b5" stroke-dasharray="2 2"/>',
      // 40px is too narrow for its 9-character name: no label, the title says it.
      '<title>&lt;script&gt;x 5000-5039: 1 service, 2 slots of 20</title></g>',
      '<g class="project" data-project="b" cursor="pointer">',
      '<rect x="48" y="38" width="20" height="40" fill="#dbe7f7" stroke="#d32f2f" stroke-width="2"/>',
      '<text class="project-label" x="58" y="55" text-anchor="middle" fill="#0d2c54">b</text>',
      '<title>b 5040-5059: 0 services, 1 finding</title></g>',
      '<rect class="mark mark-used" x="18" y="82" width="1.5" height="14" fill="#1565c0"><title>5010 &lt;script&gt;x api; a/compose.yaml:3:9</title></rect>',
      '<rect class="mark mark-flagged" x="78" y="82" width="1.5" height="14" fill="#d32f2f"><title>5070 b svc (not registered) (outside its range); b/compose.yaml:4:9</title></rect>',
      '<path class="finding-marker" d="M78.8 100 l5 10 h-10 z" fill="#d32f2f"><title>b/compose.yaml:4:9 error port 5070 is outside &lt;range&gt; (port-out-of-range)</title></path>',
      '</svg>',
    ]);
  });

  it('zoomed, filtered and with a selection: only what is in the view and the filter, at 10px a port', () => {
    const model = smallModel();
    expect(
      bandSvg(model, { from: 5040, to: 5079 }, { width: 416, only: ['b'], selected: 'b' })
        .split('\n')
        .slice(6),
    ).toEqual([
      '<line class="axis" x1="8" y1="20" x2="408" y2="20" stroke="#546e7a"/>',
      '<line class="tick" x1="8" y1="16" x2="8" y2="20" stroke="#546e7a"/>',
      '<text class="tick-label" x="8" y="12" text-anchor="start" fill="#37474f">5040</text>',
      '<line class="tick" x1="108" y1="16" x2="108" y2="20" stroke="#546e7a"/>',
      '<text class="tick-label" x="108" y="12" text-anchor="middle" fill="#37474f">5050</text>',
      '<line class="tick" x1="208" y1="16" x2="208" y2="20" stroke="#546e7a"/>',
      '<text class="tick-label" x="208" y="12" text-anchor="middle" fill="#37474f">5060</text>',
      '<line class="tick" x1="308" y1="16" x2="308" y2="20" stroke="#546e7a"/>',
      '<text class="tick-label" x="308" y="12" text-anchor="middle" fill="#37474f">5070</text>',
      '<rect class="free" x="208" y="38" width="200" height="40" fill="#e6f4ea"><title>5060-5079 free (20 ports)</title></rect>',
      '<g class="project selected" data-project="b" cursor="pointer">',
      '<rect x="8" y="38" width="200" height="40" fill="#b3cdef" stroke="#d32f2f" stroke-width="2"/>',
      '<text class="project-label" x="108" y="55" text-anchor="middle" fill="#0d2c54">b</text>',
      '<text class="range-label" x="108" y="70" text-anchor="middle" fill="#546e7a">5040-5059</text>',
      '<title>b 5040-5059: 0 services, 1 finding</title></g>',
      '<rect class="mark mark-flagged" x="308" y="82" width="10" height="14" fill="#d32f2f"><title>5070 b svc (not registered) (outside its range); b/compose.yaml:4:9</title></rect>',
      '<path class="finding-marker" d="M313 100 l5 10 h-10 z" fill="#d32f2f"><title>b/compose.yaml:4:9 error port 5070 is outside &lt;range&gt; (port-out-of-range)</title></path>',
      '</svg>',
    ]);
  });

  it('runs from its own source text alone, as the page runs it', () => {
    const model = smallModel();
    const fromSource = new Function(`return (${bandSvg.toString()})`)() as typeof bandSvg;
    expect(fromSource(model, model.extent, { width: 700 })).toBe(bandSvg(model, model.extent, { width: 700 }));
  });
});

describe('renderMapSvg', () => {
  const model = smallModel();
  const svg = renderMapSvg(model, { width: 116, title: 'map of <&>' });
  const lines = svg.split('\n');

  it('has the title and the totals, then the band over the whole extent, then the legend', () => {
    expect(lines[0]).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="116" height="200" viewBox="0 0 116 200" font-family="system-ui, sans-serif" font-size="12">',
    );
    expect(lines[6]).toBe('<text class="title" x="8" y="18" font-size="15" font-weight="bold" fill="#0d2c54">map of &lt;&amp;&gt;</text>');
    expect(lines[7]).toBe(
      '<text class="summary" x="8" y="36" fill="#37474f">ports 5000-5099: 2 projects, 1 service, 30 free ports in 2 free blocks, 1 error, 0 warnings</text>',
    );
    expect(lines[8]).toBe('<g transform="translate(0 44)">');
    expect(svg).toContain(
      `<g transform="translate(0 44)">\n${bandSvg(model, model.extent, { width: 116 })}\n</g>\n<g class="legend" transform="translate(8 176)">`,
    );
    expect([...svg.matchAll(/<rect class="(legend-[a-z]+)"/g)].map((m) => m[1])).toEqual(LEGEND.map((l) => l.cls));
    expect(svg.endsWith('</g>\n</svg>\n')).toBe(true);
  });

  it('escapes every name, path, reason and message: nothing from the model becomes markup', () => {
    expect(svg).not.toMatch(FOREIGN_TAG);
    expect(svg).toContain('&lt;script&gt;x');
    // The check itself: markup in a name would be caught.
    expect('<title><script>x</title>').toMatch(FOREIGN_TAG);
  });
});

describe('text escaping', () => {
  it('escapes the five XML characters', () => {
    expect(escapeXml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('writes JSON that no </script> or <!-- can end, and that parses back as it was', () => {
    const value = { name: '</script><script>alert(1)</script>', c: '<!-- & -->', s: '\u2028\u2029' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
