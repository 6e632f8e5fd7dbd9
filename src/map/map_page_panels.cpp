// The HTML map's script, second part: the details panel, the legend, search, the findings
// lists and start-up. Every text comes from the data and is set with textContent.
#include "map/map_page.hpp"

namespace harmony::network::map_page {

constexpr std::string_view k_script_panels = R"js(
const grid = document.getElementById('grid');
const detail = document.getElementById('detail');
const detailGrid = document.getElementById('detail-grid');
const details = document.getElementById('details');
const tooltip = document.getElementById('tooltip');
const search = document.getElementById('search');
const searchStatus = document.getElementById('search-status');
let gridCells = new Map();    // first port -> element of #grid
let detailCells = new Map();  // port -> element of #detail, for the opened cell
let opened = null;            // the opened aggregated cell: {first, last}

function element(name, text, cls) {
  const e = document.createElement(name);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function addRow(dl, key, value) {
  if (value === undefined || value === null || value === '') return;
  dl.appendChild(element('dt', key));
  const dd = element('dd');
  if (Array.isArray(value)) {
    const ul = element('ul');
    for (const line of value) ul.appendChild(element('li', line));
    dd.appendChild(ul);
  } else {
    dd.textContent = String(value);
  }
  dl.appendChild(dd);
}

const poolName = index => (index < 0 ? 'default' : data.pools[index].name +
  ' (' + rangeText(data.pools[index].first, data.pools[index].last) + ')' +
  (data.pools[index].reserved ? ', reserved' : ''));
const holderText = h => [h.host || 'this host', h.protocol, h.address,
  h.pid ? 'pid ' + h.pid : 'pid unknown', h.process || 'process unknown'].join(' \u2014 ');
// Findings about a whole range are listed in full under Warnings: here their message is cut.
const findingText = f => {
  const wide = f.last - f.first >= 100 && f.message.length > 100;
  return f.severity + ' ' + f.code + ' (' + rangeText(f.first, f.last) + '): ' +
    (wide ? f.message.slice(0, 100) + '\u2026' : f.message);
};

function showPort(port) {
  const d = info(port);
  const a = d.allocation === undefined ? null : data.allocations[d.allocation];
  const r = d.released === undefined ? null : data.released[d.released];
  const dl = element('dl');
  addRow(dl, 'port', port);
  addRow(dl, 'state', d.state);
  if (a) {
    addRow(dl, 'service', a.name + (a.first === a.last ? '' : ' (' + rangeText(a.first, a.last) + ')'));
    addRow(dl, 'protocols', a.protocols.join(', '));
  }
  addRow(dl, 'pool', poolName(poolOf(d)));
  if (a) {
    addRow(dl, 'owner', a.owner);
    addRow(dl, 'notes', a.notes);
    addRow(dl, 'process', a.process);
  }
  if (r) {
    addRow(dl, 'quarantine', r.name + ' (' + r.protocols.join(', ') + '): released ' + r.released +
      ', until ' + r.until);
  }
  addRow(dl, 'IANA', d.iana && d.iana.join(', '));
  addRow(dl, 'known software', d.known && d.known.join(', '));
  addRow(dl, 'holders', d.holders && d.holders.map(i => holderText(data.holders[i])));
  addRow(dl, 'findings', d.findings && d.findings.map(i => findingText(data.findings[i])));
  details.replaceChildren(element('h2', 'Port ' + port), dl);
}

function showCell(first, last) {
  const counts = new Map();
  const services = new Set();
  for (let p = first; p <= last; ++p) {
    const d = info(p);
    counts.set(d.state, (counts.get(d.state) || 0) + 1);
    if (d.allocation !== undefined) services.add(data.allocations[d.allocation].name);
  }
  const dl = element('dl');
  addRow(dl, 'ports', rangeText(first, last) + ' (' + (last - first + 1) + ' ports)');
  addRow(dl, 'states', STATES.filter(s => counts.has(s)).map(s => s + ': ' + counts.get(s)));
  addRow(dl, 'services', [...services].slice(0, 20).join(', '));
  details.replaceChildren(element('h2', 'Ports ' + rangeText(first, last)), dl,
    element('p', 'Click to open the cell.', 'hint'));
}

function onHover(event) {
  const t = event.target;
  if (!(t instanceof Element)) return;
  let label = null;
  if (t.hasAttribute('data-port')) {
    const port = Number(t.getAttribute('data-port'));
    showPort(port);
    const d = info(port);
    label = port + ' ' + d.state +
      (d.allocation === undefined ? '' : ' ' + data.allocations[d.allocation].name);
  } else if (t.hasAttribute('data-first')) {
    const first = Number(t.getAttribute('data-first')), last = Number(t.getAttribute('data-last'));
    showCell(first, last);
    label = rangeText(first, last) + ' ' + t.getAttribute('class').split(' ')[1].slice(6);
  }
  if (label === null) return;
  tooltip.textContent = label;
  const box = t.getBoundingClientRect();
  tooltip.style.left = Math.round(box.right + 6) + 'px';
  tooltip.style.top = Math.round(box.top - 4) + 'px';
  tooltip.hidden = false;
}

function openCell(first, last) {
  opened = {first, last};
  detail.hidden = false;
  document.getElementById('detail-title').textContent = 'Ports ' + rangeText(first, last);
  detailCells = drawGrid(detailGrid, portItems(first, last), true);
}

const cellOf = port => gridCells.get(port - ((port - data.shown.first) % cellWidth));

// The ports a query names: a port, a range, or text found in what the data says of a port.
function matchingPorts(query) {
  const q = query.trim();
  let m = /^(\d+)$/.exec(q);
  if (m) m = [q, m[1], m[1]];
  else m = /^(\d+)\s*-\s*(\d+)$/.exec(q);
  if (m) {
    const first = Math.max(Number(m[1]), data.shown.first);
    const last = Math.min(Number(m[2]), data.shown.last);
    const out = [];
    for (let p = first; p <= last; ++p) out.push(p);
    return out;
  }
  const needle = q.toLowerCase();
  return q === '' ? [] : data.ports.filter(d => portText(d).includes(needle)).map(d => d.port);
}

function portText(d) {
  if (d.text !== undefined) return d.text;
  const parts = [d.state].concat(d.iana || [], d.known || []);
  if (d.pool !== undefined) parts.push(data.pools[d.pool].name);
  if (d.allocation !== undefined) {
    const a = data.allocations[d.allocation];
    parts.push(a.name, a.owner, a.notes, a.process, a.pool || '');
  }
  if (d.released !== undefined) parts.push(data.released[d.released].name);
  for (const i of d.holders || []) parts.push(data.holders[i].process, data.holders[i].host);
  d.text = parts.join('\n').toLowerCase();
  return d.text;
}

// Marks `ports` (class match) in the grid and in the opened cell, opening the first one's cell.
function mark(ports) {
  for (const e of document.querySelectorAll('.match')) e.classList.remove('match');
  if (aggregated && ports.length > 0) {
    const first = cellOf(ports[0]);
    const a = Number(first.getAttribute('data-first')), b = Number(first.getAttribute('data-last'));
    if (!opened || opened.first !== a) openCell(a, b);
  }
  for (const p of ports) {
    (aggregated ? cellOf(p) : gridCells.get(p)).classList.add('match');
    const e = detailCells.get(p);
    if (e) e.classList.add('match');
  }
}

function runSearch() {
  const ports = matchingPorts(search.value);
  mark(ports);
  searchStatus.textContent = search.value.trim() === '' ? '' :
    ports.length === 0 ? 'no port matches' :
    ports.length + (ports.length === 1 ? ' port matches' : ' ports match');
  return ports;
}

function showFinding(f) {
  const ports = matchingPorts(f.first + '-' + f.last);
  mark(ports);
  searchStatus.textContent = ports.length + ' port' + (ports.length === 1 ? '' : 's') + ' of ' + f.code;
  if (ports.length > 0) showPort(ports[0]);
}

function listFindings() {
  const lists = {error: document.getElementById('conflicts'), warning: document.getElementById('warnings')};
  for (const f of data.findings) {
    const list = lists[f.severity];
    if (!list) continue;
    const li = element('li', undefined, 'sev-' + f.severity);
    li.append(element('span', f.code, 'code'), element('span', rangeText(f.first, f.last), 'ports'),
      element('span', f.message, 'message'));
    li.setAttribute('tabindex', '0');
    li.setAttribute('data-first', f.first);
    li.setAttribute('data-last', f.last);
    li.addEventListener('click', () => showFinding(f));
    li.addEventListener('keydown', e => { if (e.key === 'Enter') showFinding(f); });
    list.appendChild(li);
  }
  for (const list of Object.values(lists)) {
    if (!list.firstChild) list.appendChild(element('li', 'none', 'none'));
  }
}

function legendItem(parent, cls, colour, name, count) {
  const item = element('div', undefined, 'legend-item');
  const swatch = svgElement('svg', {width: 14, height: 14});
  const rect = svgElement('rect', {width: 14, height: 14, rx: 2, class: cls});
  if (colour) rect.setAttribute('style', 'fill: ' + colour);
  swatch.appendChild(rect);
  item.append(swatch, element('span', name, 'name'));
  if (count !== undefined) item.appendChild(element('span', String(count), 'count'));
  parent.appendChild(item);
}

function drawLegend() {
  const legend = document.getElementById('legend');
  for (const s of STATES) legendItem(legend, 'cell state-' + s, null, s, data.counts[s]);
  legend.appendChild(element('h2', 'Pools'));
  legendItem(legend, 'cell', poolColour(-1, false), 'default pool');
  data.pools.forEach((p, i) => legendItem(legend, 'cell', poolColour(i, false),
    p.name + ' ' + rangeText(p.first, p.last) + (p.reserved ? ' (reserved)' : '')));
}

function start() {
  const items = aggregated ? cellItems() : portItems(data.shown.first, data.shown.last);
  gridCells = drawGrid(grid, items, !aggregated);
  document.getElementById('grid-note').textContent = aggregated ?
    shownSize + ' ports in ' + items.length + ' cells of ' + cellWidth +
      ' ports: click a cell to open it.' :
    shownSize + ' ports, ' + COLS + ' per row.';
  for (const svg of [grid, detailGrid]) {
    svg.addEventListener('mouseover', onHover);
    svg.addEventListener('focusin', onHover);
    svg.addEventListener('mouseleave', () => { tooltip.hidden = true; });
  }
  const openTarget = e => {
    const t = e.target;
    if (t instanceof Element && t.hasAttribute('data-first')) {
      openCell(Number(t.getAttribute('data-first')), Number(t.getAttribute('data-last')));
    }
  };
  grid.addEventListener('click', openTarget);
  grid.addEventListener('keydown', e => { if (e.key === 'Enter') openTarget(e); });
  search.addEventListener('input', runSearch);
  search.addEventListener('keydown', e => {
    if (e.key !== 'Enter') return;
    const ports = runSearch();
    if (ports.length > 0) showPort(ports[0]);
  });
  listFindings();
  drawLegend();
}

start();
)js";

std::string_view script_panels() {
    return k_script_panels;
}

}  // namespace harmony::network::map_page
