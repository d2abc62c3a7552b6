// The cards baseline: the app's alert cards (same elements, classes, fields and pivot links, the app's
// stylesheet) built with plain DOM calls from the same JSON. `cargo xtask bench` calls window.__bench.
import { painted } from './common.js';

const PIVOTS = [['machines', 'Machines'], ['files', 'Files'], ['actor', 'Actor'], ['domains', 'Domains'], ['ips', 'IPs']];
const SEVERITY = { high: 'badge severity-high', medium: 'badge severity-medium', low: 'badge severity-low', informational: 'badge severity-informational' };
const exact = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZoneName: 'shortOffset' });
let nextId = 0;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function none() { return el('span', 'none', '—'); }

function text(v) { return v === null || v === undefined ? none() : el('span', null, String(v)); }

function href(path) { return '?profile=wdatp&q=' + encodeURIComponent(path).replace(/%2F/g, '/').replace(/%24/g, '$').replace(/%3F/g, '?').replace(/%3D/g, '='); }

function pivot(path, label) {
  const span = el('span', 'pivot');
  const a = el('a', null, label);
  a.href = href(path);
  span.append(a);
  return span;
}

function relative(then, now) {
  const s = Math.round((now - then) / 1000);
  const n = Math.abs(s);
  if (n < 60) return 'just now';
  const amount = n < 3600 ? `${Math.floor(n / 60)} min` : n < 86400 ? `${Math.floor(n / 3600)} h`
    : n < 5184000 ? `${Math.floor(n / 86400)} d` : n < 63072000 ? `${Math.floor(n / 2592000)} months` : `${Math.floor(n / 31536000)} years`;
  return s < 0 ? `in ${amount}` : `${amount} ago`;
}

function when(iso, now) {
  const ms = iso ? Date.parse(iso) : NaN;
  if (!(ms > 0)) return none();
  const time = el('time');
  time.setAttribute('datetime', iso);
  time.append(relative(ms, now) + ' · ', el('span', 'exact', exact.format(ms)));
  return time;
}

function field(dl, label, value) {
  const div = el('div', 'field');
  const dd = el('dd');
  dd.append(value);
  div.append(el('dt', null, label), dd);
  dl.append(div);
}

function longText(card, v) {
  if (!v) { card.append(none()); return; }
  card.append(el('p', 'long-text', v.length > 240 ? v.slice(0, 240) + '…' : v));
  if (v.length > 240) {
    const b = el('button', 'link', 'Show all');
    b.type = 'button';
    b.setAttribute('aria-expanded', 'false');
    card.append(b);
  }
}

function card(a, now) {
  const heading = a.title || `Alert ${a.id}`;
  const article = el('article', 'card alert');
  const hid = `card-${nextId++}`;
  article.setAttribute('aria-labelledby', hid);
  const header = el('header');
  const h3 = el('h3', null, heading);
  h3.id = hid;
  header.append(el('span', 'kind', 'Alert'), h3);
  if (a.severity) {
    const b = el('span', SEVERITY[a.severity.toLowerCase()] || 'badge', a.severity);
    b.setAttribute('aria-label', `Severity: ${a.severity}`);
    header.append(b);
  }
  if (a.status) {
    const b = el('span', 'badge status', a.status);
    b.setAttribute('aria-label', `Status: ${a.status}`);
    header.append(b);
  }
  article.append(header);
  const dl = el('dl');
  const machineId = a.machineId || (a.machine && a.machine.id);
  const machineName = (a.machine && a.machine.computerDnsName) || a.computerDnsName || machineId;
  const user = a.relatedUser && a.relatedUser.userName
    ? (a.relatedUser.domainName ? `${a.relatedUser.domainName}\\${a.relatedUser.userName}` : a.relatedUser.userName) : null;
  field(dl, 'Category', text(a.category));
  field(dl, 'Machine', machineId ? pivot(`/machines/${machineId}`, machineName) : text(machineName));
  field(dl, 'User', user ? pivot(`/users/${user}/alerts`, user) : none());
  field(dl, 'Detection source', text(a.detectionSource));
  field(dl, 'Threat family', text(a.threatFamilyName));
  field(dl, 'Assigned to', text(a.assignedTo));
  field(dl, 'First event', when(a.firstEventTime, now));
  field(dl, 'Last event', when(a.lastEventTime, now));
  field(dl, 'Created', when(a.alertCreationTime, now));
  field(dl, 'Id', el('code', 'id', a.id));
  article.append(dl);
  article.append(el('h4', null, 'Description'));
  longText(article, a.description);
  article.append(el('h4', null, 'Recommended action'));
  longText(article, a.recommendedAction);
  const nav = el('nav', 'pivots');
  nav.setAttribute('aria-label', `Pivots from ${heading}`);
  const ul = el('ul');
  for (const [rel, label] of PIVOTS) {
    const li = el('li');
    li.append(pivot(`/alerts/${a.id}/${rel}`, label));
    ul.append(li);
  }
  nav.append(ul);
  article.append(nav);
  return article;
}

let alerts = null;
const holder = document.getElementById('cards');
// One listener for every pivot link, as a plain page would do it.
holder.addEventListener('click', (ev) => {
  const a = ev.target.closest('a');
  if (a && ev.button === 0) { ev.preventDefault(); history.pushState(null, '', a.href); }
});

/** Builds `n` cards from the alerts in hand; ms until the frame showing them has been painted. */
async function render(n) {
  holder.replaceChildren();
  await painted();
  const t0 = performance.now();
  const now = Date.now();
  for (let i = 0; i < n && i < alerts.length; i++) holder.append(card(alerts[i], now));
  const frame = await painted();
  return { ms: performance.now() - t0, script: frame - t0, cards: holder.querySelectorAll('article').length };
}

window.__bench = { render };
fetch('alerts-1000.json').then((r) => r.json()).then((body) => {
  alerts = body.value;
  window.__benchReady = true;
}, (e) => { window.__benchError = String(e); });
