// The HTML map in headless chromium: node map_html_test.js CONFIG.json
// CONFIG: {page1000, page65535, outdir, service, servicePorts, owner, quarantined, hostile,
//          conflictPort, holderPort (0: the page has no live holders)}. Prints one line per check; exits 0 when all pass, 1 otherwise,
// 77 when playwright-core cannot be loaded.
'use strict';
const fs = require('fs');
const path = require('path');
const {execSync} = require('child_process');

let chromium;
try {
  const root = execSync('npm root -g').toString().trim();
  ({chromium} = require(path.join(root, 'playwright-core')));
} catch (e) {
  console.log('SKIP: playwright-core not found: ' + e.message);
  process.exit(77);
}

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let failures = 0;
function check(what, ok, detail) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what + (ok || detail === undefined ? '' : ': ' + detail));
  if (!ok) ++failures;
}

// Opens `file` in a fresh page that records requests leaving file:, script errors and dialogs.
async function open(browser, file, trouble) {
  const page = await browser.newPage({viewport: {width: 1400, height: 900}});
  page.on('request', r => { if (!r.url().startsWith('file:')) trouble.requests.push(r.url()); });
  page.on('pageerror', e => trouble.errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') trouble.errors.push(m.text()); });
  page.on('dialog', d => { trouble.dialogs.push(d.message()); d.dismiss(); });
  await page.goto('file://' + path.resolve(file));
  return page;
}

const text = (page, selector) => page.textContent(selector).then(t => t || '');
const count = (page, selector) => page.locator(selector).count();
const hasClass = (page, selector, cls) =>
  page.$eval(selector, (e, c) => e.classList.contains(c), cls);

async function screenshot(page, name) {
  const file = path.join(config.outdir, name);
  await page.screenshot({path: file, fullPage: true});
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  check('screenshot ' + file + ' (' + size + ' bytes)', size > 0);
}

async function checkSmallMap(browser) {
  const trouble = {requests: [], errors: [], dialogs: []};
  const page = await open(browser, config.page1000, trouble);
  check('1000 [data-port] elements for 25000-25999', (await count(page, '#grid [data-port]')) === 1000,
    await count(page, '#grid [data-port]'));

  await page.hover('#grid [data-port="25080"]');
  const d80 = await text(page, '#details');
  check('hover 25080: service ceph-rgw in #details', d80.includes('ceph-rgw'), d80);
  check('hover 25080: owner in #details', d80.includes(config.owner80), d80);
  check('hover 25080: the conflict finding in #details', d80.includes('error '), d80);

  const servicePort = config.servicePorts[0];
  await page.hover(`#grid [data-port="${servicePort}"]`);
  const ds = await text(page, '#details');
  check(`hover ${servicePort}: ${config.service} and its owner`,
    ds.includes(config.service) && ds.includes(config.owner), ds);
  check(`hover ${servicePort}: the hostile note shows as text`, ds.includes(config.hostile), ds);
  check('no <img> injected in #details', (await count(page, '#details img')) === 0);
  check('no <img> anywhere', (await count(page, 'img')) === 0);
  const pool = await page.$eval('#map-data', (e, name) =>
    JSON.parse(e.textContent).pools.findIndex(p => p.name === name), config.servicePoolName);
  check(`${servicePort} is coloured as pool ${config.servicePoolName} (pool-${pool})`, pool >= 0 &&
    await hasClass(page, `#grid [data-port="${servicePort}"]`, 'pool-' + pool));

  await page.hover(`#grid [data-port="${config.quarantined}"]`);
  const dq = await text(page, '#details');
  check(`hover ${config.quarantined}: quarantined with released/until`,
    dq.includes('quarantined') && dq.includes('released') && dq.includes('until'), dq);
  check(`${config.quarantined} has class state-quarantined`,
    await hasClass(page, `#grid [data-port="${config.quarantined}"]`, 'state-quarantined'));

  if (config.holderPort) {
    const held = `#grid [data-port="${config.holderPort}"]`;
    await page.hover(held);
    const dh = await text(page, '#details');
    check(`hover ${config.holderPort}: its live holder python3 on this host`,
      dh.includes('python3') && dh.includes('this host') && dh.includes('127.0.0.1'), dh);
    check(`${config.holderPort} has class state-in-use`, await hasClass(page, held, 'state-in-use'));
  }

  await page.fill('#search', config.service);
  const matches = await page.$$eval('#grid .match', es => es.map(e => Number(e.getAttribute('data-port'))));
  check(`search "${config.service}" marks its ports`,
    JSON.stringify(matches) === JSON.stringify(config.servicePorts), JSON.stringify(matches));
  const status = await text(page, '#search-status');
  check(`#search-status says ${config.servicePorts.length}`,
    status.startsWith(config.servicePorts.length + ' '), status);
  await page.fill('#search', '25090-25094');
  check('search 25090-25094 marks 5 ports', (await count(page, '#grid .match')) === 5);
  await page.fill('#search', 'no-such-thing-anywhere');
  check('search without a match says so', (await text(page, '#search-status')) === 'no port matches');

  const conflicts = await text(page, '#conflicts');
  check(`#conflicts lists the conflict on ${config.conflictPort}`,
    conflicts.includes(String(config.conflictPort)) && !conflicts.includes('none'), conflicts);
  check(`${config.conflictPort} has class state-conflict`,
    await hasClass(page, `#grid [data-port="${config.conflictPort}"]`, 'state-conflict'));
  await page.click(`#conflicts li[data-first="${config.conflictPort}"]`);
  check('clicking the conflict marks its port',
    await hasClass(page, `#grid [data-port="${config.conflictPort}"]`, 'match'));
  const legend = await text(page, '#legend');
  check('legend: states with counts and pools', legend.includes('conflict') &&
    legend.includes('quarantined') && legend.includes(config.servicePoolName), legend);
  await screenshot(page, 'map-1000.png');
  await page.close();
  return trouble;
}

async function checkWholeSpace(browser) {
  const trouble = {requests: [], errors: [], dialogs: []};
  const page = await open(browser, config.page65535, trouble);
  const cells = await count(page, '#grid [data-first]');
  check(`1-65535: ${cells} aggregated cells (1..1000)`, cells > 0 && cells <= 1000);
  check('1-65535: no per-port elements in #grid', (await count(page, '#grid [data-port]')) === 0);
  check('#detail hidden before a click', await page.$eval('#detail', e => e.hidden));

  await page.click('#grid [data-first="1"]');
  const last = Number(await page.getAttribute('#grid [data-first="1"]', 'data-last'));
  const shown = await count(page, '#detail [data-port]');
  check(`clicking cell 1-${last} opens #detail with its ${last} ports`,
    (await page.isVisible('#detail')) && shown === last, shown);
  await page.hover('#detail [data-port="22"]');
  const d22 = await text(page, '#details');
  check('hover 22 in #detail: its IANA name', d22.includes('ssh'), d22);

  await page.fill('#search', '25080');
  const title = await text(page, '#detail-title');
  check('search 25080 opens its cell', (await count(page, '#detail [data-port="25080"]')) === 1, title);
  check('25080 is marked in #detail', await hasClass(page, '#detail [data-port="25080"]', 'match'));
  check('its cell is marked in #grid', (await count(page, '#grid .match')) === 1);
  await page.press('#search', 'Enter');
  const d80 = await text(page, '#details');
  check('Enter shows 25080 details', d80.includes('ceph-rgw'), d80);
  check('the cell of 25080 shows conflict', (await count(page, '#grid .state-conflict')) >= 1);
  await screenshot(page, 'map-65535.png');
  await page.close();
  return trouble;
}

(async () => {
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox'], headless: true});
  try {
    for (const trouble of [await checkSmallMap(browser), await checkWholeSpace(browser)]) {
      check('no network requests', trouble.requests.length === 0, trouble.requests.join(' '));
      check('no script errors', trouble.errors.length === 0, trouble.errors.join(' | '));
      check('no dialogs (no injected script ran)', trouble.dialogs.length === 0, trouble.dialogs.join(' '));
    }
  } catch (e) {
    check('browser run', false, e.stack);
  } finally {
    await browser.close();
  }
  console.log(failures === 0 ? 'all browser checks passed' : failures + ' browser check(s) failed');
  process.exit(failures === 0 ? 0 : 1);
})();
