// The HTML map's stylesheet and the script that reads the data and draws grids of cells.
#include "map/map_page.hpp"

namespace harmony::network::map_page {

constexpr std::string_view k_style =
    R"css(:root { font: 14px/1.4 system-ui, sans-serif; color: #1d2733; background: #fafbfc; }
body { margin: 0; }
header { display: flex; flex-wrap: wrap; gap: 1em; align-items: center; padding: .6em 1em;
  background: #1d2733; color: #fff; }
h1 { font-size: 1.15em; margin: 0; flex: 1 1 auto; }
h2 { font-size: 1em; margin: .8em 0 .3em; }
.tools { display: flex; gap: .6em; align-items: center; }
#search { width: 22em; padding: .3em .5em; font: inherit; }
#search-status { min-width: 10em; }
main { display: flex; flex-wrap: wrap; gap: 1em; padding: 1em; align-items: flex-start; }
.map { flex: 0 1 auto; overflow-x: auto; }
aside { flex: 1 1 16em; max-width: 36em; position: sticky; top: .5em;
  max-height: calc(100vh - 1em); overflow-y: auto; }
.panels { display: flex; flex-wrap: wrap; gap: 1em; max-width: 1040px; }
.panels section { flex: 1 1 20em; }
.panels li { overflow-wrap: anywhere; }
aside section, .panels section, #detail { background: #fff; border: 1px solid #d5dbe1; border-radius: 6px;
  padding: .2em .8em .6em; margin-bottom: 1em; }
#grid-note, .hint { color: #5a6877; margin: .2em 0 .6em; }
svg text { font: 10px ui-monospace, monospace; fill: #5a6877; }
svg text.pool-label { font-weight: bold; }
.cell { stroke: #c4ccd5; stroke-width: .6; cursor: pointer; }
.cell:focus { outline: none; stroke: #2563eb; stroke-width: 2.5; }
.state-free { fill: #eef1f4; }
.state-registered { fill: #e6dccb; }
.state-pool { fill: #dcead3; }
.state-reserved { fill: #ddd6e8; stroke-dasharray: 2 1; }
.state-quarantined { fill: #f2c96b; }
.state-allocated { fill: #4f6d8f; }
.state-in-use { fill: #f08c3c; }
.state-conflict { fill: #d62828 !important; stroke: #7a0000; stroke-width: 2.5; }
.cell.match { stroke: #000; stroke-width: 3; }
.cell.current { stroke: #2563eb; stroke-width: 3; }
.pool-outline { fill: none; stroke-width: 1.5; pointer-events: none; }
.pool-band { pointer-events: none; }
#details dl { display: grid; grid-template-columns: max-content 1fr; gap: .15em .8em; margin: 0; }
#details dt { color: #5a6877; }
#details dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
#details ul, #conflicts, #warnings { margin: 0; padding-left: 1.2em; }
#conflicts li, #warnings li { cursor: pointer; margin: .2em 0; }
#conflicts li:hover, #warnings li:hover, #conflicts li:focus, #warnings li:focus { background: #fde8e8; }
.code { font-family: ui-monospace, monospace; font-weight: bold; margin-right: .5em; }
.ports { font-family: ui-monospace, monospace; margin-right: .5em; }
.sev-error { color: #b00020; }
.sev-warning { color: #8a5a00; }
.legend-item { display: flex; gap: .5em; align-items: center; margin: .1em 0; }
.legend-item .count { margin-left: auto; font-variant-numeric: tabular-nums; }
#tooltip { position: fixed; pointer-events: none; background: #1d2733; color: #fff;
  padding: .2em .5em; border-radius: 4px; font-size: 12px; max-width: 30em; z-index: 10; }
)css";

std::string_view style() {
    return k_style;
}

constexpr std::string_view k_script_grid = R"js('use strict';
const data = JSON.parse(document.getElementById('map-data').textContent);
const NS = document.getElementById('grid').namespaceURI;  // the SVG namespace, no URL written
const STATES = ['free', 'registered', 'pool', 'reserved', 'quarantined', 'allocated', 'in-use',
  'conflict'];
const COLS = 50, MAX_CELLS = 1000, CELL = 14, PITCH = 16, ROW = 22, LEFT = 50, TOP = 4;
const byPort = new Map(data.ports.map(d => [d.port, d]));
const shownSize = data.shown.last - data.shown.first + 1;
// As map_cells: one port per cell up to 1,000 ports, else ceil(ports / 1,000) per cell.
const cellWidth = shownSize <= MAX_CELLS ? 1 : Math.ceil(shownSize / MAX_CELLS);
const aggregated = cellWidth > 1;
const rank = state => STATES.indexOf(state);
const info = port => byPort.get(port) || {port, state: 'free'};
const poolOf = d => (d.pool === undefined ? -1 : d.pool);
const rangeText = (first, last) => (first === last ? String(first) : first + '-' + last);

// Each pool its own hue (golden-angle steps); the default pool a slate of its own.
function poolColour(pool, light) {
  if (pool < 0) return light ? 'hsl(215, 20%, 90%)' : 'hsl(215, 25%, 42%)';
  const hue = Math.round((pool * 137.508 + 95) % 360);
  return light ? 'hsl(' + hue + ', 55%, 88%)' : 'hsl(' + hue + ', 60%, 42%)';
}

function svgElement(name, attributes) {
  const e = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) e.setAttribute(key, String(value));
  return e;
}

function svgText(svg, x, y, text, cls, anchor) {
  const t = svgElement('text', {x, y, class: cls, 'text-anchor': anchor || 'start'});
  t.textContent = text;
  svg.appendChild(t);
}

// One item per port of first..last.
function portItems(first, last) {
  const items = [];
  for (let p = first; p <= last; ++p) {
    const d = info(p);
    items.push({first: p, last: p, state: d.state, pool: poolOf(d)});
  }
  return items;
}

// The aggregated cells: each with the most notable state among its ports and that port's pool.
function cellItems() {
  const items = [];
  for (let first = data.shown.first; first <= data.shown.last; first += cellWidth) {
    const last = Math.min(data.shown.last, first + cellWidth - 1);
    let best = info(first);
    for (let p = first + 1; p <= last; ++p) {
      const d = info(p);
      if (rank(d.state) > rank(best.state)) best = d;
    }
    items.push({first, last, state: best.state, pool: poolOf(best)});
  }
  return items;
}

function cellElement(item, index, perPort) {
  const x = LEFT + (index % COLS) * PITCH, y = TOP + Math.floor(index / COLS) * ROW;
  const cls = 'cell state-' + item.state + (item.pool < 0 ? ' pool-default' : ' pool-' + item.pool);
  const rect = svgElement('rect', {x, y, width: CELL, height: CELL, rx: 2, class: cls, tabindex: 0});
  if (perPort) {
    rect.setAttribute('data-port', item.first);
  } else {
    rect.setAttribute('data-first', item.first);
    rect.setAttribute('data-last', item.last);
  }
  if (item.state === 'allocated' || item.state === 'pool') {
    rect.setAttribute('style', 'fill: ' + poolColour(item.pool, item.state === 'pool'));
  }
  return rect;
}

// Outlines each pool's cells row by row, with a band under them and its name on the right
// of the row where it starts. Returns the length of the longest label.
function drawPools(svg, items) {
  const labels = new Map();
  data.pools.forEach((pool, index) => {
    let a = items.findIndex(it => it.last >= pool.first && it.first <= pool.last);
    if (a < 0) return;
    let b = a;
    while (b + 1 < items.length && items[b + 1].first <= pool.last) ++b;
    const row = Math.floor(a / COLS);
    labels.set(row, (labels.has(row) ? labels.get(row) + ', ' : '') + pool.name +
      (pool.reserved ? ' (reserved)' : ''));
    const colour = poolColour(index, false);
    while (a <= b) {
      const end = Math.min(b, (Math.floor(a / COLS) + 1) * COLS - 1);
      const x = LEFT + (a % COLS) * PITCH, y = TOP + Math.floor(a / COLS) * ROW;
      const w = (end - a) * PITCH + CELL;
      const outline = svgElement('rect', {x: x - 1.5, y: y - 1.5, width: w + 3, height: CELL + 3,
        rx: 3, class: 'pool-outline', stroke: colour, 'data-pool': pool.name});
      svg.appendChild(outline);
      svg.appendChild(svgElement('rect', {x, y: y + CELL + 2, width: w, height: 3,
        class: 'pool-band', fill: colour}));
      a = end + 1;
    }
  });
  let longest = 0;
  for (const [row, text] of labels) {
    svgText(svg, LEFT + COLS * PITCH + 6, TOP + row * ROW + CELL - 3, text, 'pool-label');
    longest = Math.max(longest, text.length);
  }
  return longest;
}

// Draws `items` into `svg`, 50 per row with the row's first port on the left. Returns the
// cell elements by first port.
function drawGrid(svg, items, perPort) {
  svg.replaceChildren();
  const elements = new Map();
  items.forEach((item, index) => {
    if (index % COLS === 0) {
      svgText(svg, LEFT - 4, TOP + Math.floor(index / COLS) * ROW + CELL - 3, String(item.first),
        'row-label', 'end');
    }
    const rect = cellElement(item, index, perPort);
    elements.set(item.first, rect);
    svg.appendChild(rect);
  });
  const labelWidth = Math.max(160, drawPools(svg, items) * 6.5);  // 10px monospace
  const width = LEFT + COLS * PITCH + 10 + labelWidth, height = TOP + Math.ceil(items.length / COLS) * ROW;
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  return elements;
}
)js";

std::string_view script_grid() {
    return k_script_grid;
}

}  // namespace harmony::network::map_page
