// The search page: a TAP client in the browser. The form becomes ADQL (shown in the ADQL box), which is POSTed to
// /tap/sync as CSV; errors the server reports at a line and column are marked in the query. Results sort and page
// here; each row's #preview thumbnail comes from its DataLink document. Catalogue text is only ever set with
// textContent or attributes, never parsed as HTML.
import { notifyAll } from './samp.js';
import { parseCsv } from './csv.js';
import { authFetch, rightsReady, token } from './common.js';

const PAGE_SIZE = 20;
const FORM_FIELDS = ['ra', 'dec', 'radius', 'collection', 'class', 'zmin', 'zmax', 'snmin', 'wave', 'top'];
const $ = (id) => document.getElementById(id);
let lastAdql = '', columns = [], rows = [], page = 0, sortColumn = -1, sortDescending = false;
const selected = new Set();

// ---------------------------------------------------------------- coordinates

/** Degrees from "153.57", "10:14:17.9" or "10 14 17.9" (hours when isRa), "+79:18:33" or "-5d12m3s"; NaN when unreadable. */
export function parseAngle(text, isRa) {
  const t = text.trim();
  if (t === '') return NaN;
  if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(t) || /^[+-]?\.\d+$/.test(t)) return Number(t);
  const m = /^([+-])?\s*(\d+)[\s:hd°]+(\d+)[\s:m']+(\d+(?:\.\d*)?)\s*[s"]?$/.exec(t) || /^([+-])?\s*(\d+)[\s:hd°]+(\d+(?:\.\d*)?)[m']?$/.exec(t);
  if (!m) return NaN;
  const sign = m[1] === '-' ? -1 : 1;
  const value = Number(m[2]) + Number(m[3]) / 60 + (m[4] === undefined ? 0 : Number(m[4]) / 3600);
  return sign * value * (isRa ? 15 : 1);
}

const quote = (s) => "'" + s.replaceAll("'", "''") + "'";
const num = (id) => { const v = $(id).value.trim(); return v === '' ? null : Number(v); };

/** The ADQL of the form, or throws an Error naming the field that is wrong. */
export function formToAdql() {
  const where = [];
  const raText = $('ra').value, decText = $('dec').value;
  if (raText.trim() !== '' || decText.trim() !== '') {
    const ra = parseAngle(raText, /[:\sh]/.test(raText.trim())), dec = parseAngle(decText, false);
    if (!Number.isFinite(ra) || ra < 0 || ra >= 360) throw new Error('RA: give degrees (0 to 360) or h:m:s');
    if (!Number.isFinite(dec) || dec < -90 || dec > 90) throw new Error('Dec: give degrees (-90 to 90) or d:m:s');
    const radius = num('radius') ?? 1;
    if (!(radius > 0 && radius <= 180)) throw new Error('Radius: give degrees above 0, at most 180');
    where.push(`CONTAINS(POINT('ICRS', o.s_ra, o.s_dec), CIRCLE('ICRS', ${ra}, ${dec}, ${radius})) = 1`);
  }
  if ($('collection').value) where.push(`o.obs_collection = ${quote($('collection').value)}`);
  if ($('class').value.trim()) where.push(`s.class = ${quote($('class').value.trim().toUpperCase())}`);
  for (const [id, op, column, label] of [['zmin', '>=', 's.z', 'Redshift'], ['zmax', '<=', 's.z', 'Redshift'], ['snmin', '>=', 's.sn_median', 'S/N']]) {
    const v = num(id);
    if (v === null) continue;
    if (!Number.isFinite(v)) throw new Error(`${label}: not a number`);
    where.push(`${column} ${op} ${v}`);
  }
  const wave = num('wave');
  if (wave !== null) {
    if (!(wave > 0)) throw new Error('Wavelength: give Ångström above 0');
    where.push(`o.em_min <= ${wave * 1e-10} AND o.em_max >= ${wave * 1e-10}`);
  }
  const top = Math.max(1, Math.min(100000, Math.floor(num('top') ?? 1000)));
  return `SELECT TOP ${top} o.obs_publisher_did, o.obs_collection, o.obs_id, o.s_ra, o.s_dec, s.class, s.z, s.sn_median,\n` +
    `  IN_UNIT(o.em_min, 'Angstrom') AS lambda_min, IN_UNIT(o.em_max, 'Angstrom') AS lambda_max\n` +
    `FROM ivoa.obscore AS o\nJOIN spec.specobj AS s ON s.collection = o.obs_collection AND s.obs_id = o.obs_id` +
    (where.length ? '\nWHERE ' + where.join('\n  AND ') : '');
}

// ---------------------------------------------------------------- TAP

/** Runs ADQL through /tap/sync; resolves to {columns, rows} or rejects with {message, line, column}. */
async function runTap(adql) {
  const body = new URLSearchParams({ REQUEST: 'doQuery', LANG: 'ADQL', FORMAT: 'csv', QUERY: adql });
  const response = await authFetch('tap/sync', { method: 'POST', body });
  const text = await response.text();
  if (!response.ok || (response.headers.get('content-type') || '').includes('xml')) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const info = [...doc.getElementsByTagName('INFO')].find((i) => i.getAttribute('name') === 'QUERY_STATUS');
    const message = (info && info.textContent.trim()) || `the TAP service answered ${response.status}`;
    const at = /line (\d+), column (\d+)/.exec(message);
    throw { message, line: at ? Number(at[1]) : null, column: at ? Number(at[2]) : null };
  }
  const table = parseCsv(text);
  return { columns: table[0] || [], rows: table.slice(1) };
}

/** Shows the query with the reported position marked, and puts the caret there. */
function markError(adql, line, column) {
  const pre = $('adql-marked');
  pre.replaceChildren();
  if (!line) { pre.hidden = true; return; }
  const lines = adql.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset = Math.min(adql.length, offset + column - 1);
  const mark = document.createElement('mark');
  mark.textContent = adql.slice(offset, offset + 1) || ' ';
  mark.title = `line ${line}, column ${column}`;
  pre.append(adql.slice(0, offset), mark, adql.slice(offset + 1));
  pre.hidden = false;
  $('adql-box').open = true;
  const area = $('adql');
  area.focus();
  area.setSelectionRange(offset, Math.min(adql.length, offset + 1));
}

async function search(adql, errorId) {
  $('form-error').textContent = ''; $('adql-error').textContent = ''; $('adql-marked').hidden = true;
  $('status').textContent = 'Searching…';
  try {
    const result = await runTap(adql);
    lastAdql = adql;
    columns = result.columns; rows = result.rows; page = 0; sortColumn = -1; selected.clear();
    $('status').textContent = `${rows.length} row${rows.length === 1 ? '' : 's'} found.`;
    render();
  } catch (e) {
    $('status').textContent = '';
    $(errorId).textContent = e.message || String(e);
    if (errorId === 'adql-error' || e.line) { $('adql-error').textContent = e.message || String(e); markError(adql, e.line, e.column); }
  }
}

// ---------------------------------------------------------------- results

const didIndex = () => columns.indexOf('obs_publisher_did');
const linksCache = new Map();

async function thumbnailUrl(did) {
  if (!linksCache.has(did)) {
    linksCache.set(did, authFetch('datalink/links?ID=' + encodeURIComponent(did)).then((r) => r.text()).then((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const names = [...doc.getElementsByTagName('FIELD')].map((f) => f.getAttribute('name'));
      const at = (tr, name) => tr.getElementsByTagName('TD')[names.indexOf(name)]?.textContent ?? '';
      const previews = [...doc.getElementsByTagName('TR')].filter((tr) => at(tr, 'semantics') === '#preview');
      const best = previews.find((tr) => at(tr, 'local_semantics') === 'preview-thumbnail') || previews[0];
      return best ? at(best, 'access_url') : null;
    }));
  }
  return linksCache.get(did);
}

function compare(a, b) {
  const x = Number(a), y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function render() {
  const table = $('result-table');
  table.replaceChildren();
  const di = didIndex();
  $('selection-actions').hidden = di < 0 || rows.length === 0;
  if (rows.length === 0) { $('pager').hidden = true; return; }
  const head = table.createTHead().insertRow();
  if (di >= 0) { head.append(document.createElement('th')); const th = document.createElement('th'); th.textContent = 'Preview'; head.append(th); }
  columns.forEach((name, i) => {
    const th = document.createElement('th');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = name + (i === sortColumn ? (sortDescending ? ' ▼' : ' ▲') : '');
    button.addEventListener('click', () => {
      sortDescending = sortColumn === i ? !sortDescending : false;
      sortColumn = i;
      rows.sort((a, b) => (sortDescending ? -1 : 1) * compare(a[i], b[i]));
      page = 0;
      render();
      table.tHead.rows[0].cells[i + (di >= 0 ? 2 : 0)].querySelector('button').focus();
    });
    th.setAttribute('aria-sort', i === sortColumn ? (sortDescending ? 'descending' : 'ascending') : 'none');
    th.append(button);
    head.append(th);
  });
  const body = table.createTBody();
  const pages = Math.ceil(rows.length / PAGE_SIZE);
  page = Math.min(page, pages - 1);
  for (const row of rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)) {
    const tr = body.insertRow();
    if (di >= 0) {
      const did = row[di];
      const check = document.createElement('input');
      check.type = 'checkbox';
      check.checked = selected.has(did);
      check.setAttribute('aria-label', 'select ' + did);
      check.addEventListener('change', () => { if (check.checked) selected.add(did); else selected.delete(did); });
      tr.insertCell().append(check);
      const cell = tr.insertCell();
      const img = document.createElement('img');
      img.className = 'thumb';
      img.alt = 'preview of ' + did;
      img.width = 160; img.height = 100;
      cell.append(img);
      // With an access token the image is fetched with it (an <img> cannot send a header) and shown from a blob: URL.
      thumbnailUrl(did).then(async (url) => {
        if (!url) return;
        img.src = token() ? URL.createObjectURL(await (await authFetch(url)).blob()) : url;
      }).catch(() => { img.alt = 'no preview'; });
    }
    row.forEach((value, i) => {
      const td = tr.insertCell();
      if (i === di) {
        const a = document.createElement('a');
        a.href = 'view?ID=' + encodeURIComponent(value);
        a.textContent = value;
        td.append(a);
      } else {
        td.textContent = value;
        if (value !== '' && Number.isFinite(Number(value))) td.className = 'num';
      }
    });
  }
  $('pager').hidden = pages <= 1;
  $('page-info').textContent = `page ${page + 1} of ${pages}`;
  $('prev').disabled = page === 0;
  $('next').disabled = page >= pages - 1;
}

// ---------------------------------------------------------------- selection

/** A download by POST: a plain form (the browser saves the answer), or, with an access token (a form cannot send a
 *  header), a fetch with it whose answer is saved through a blob: link. */
async function postForm(action, fields) {
  if (token()) {
    const response = await authFetch(action, { method: 'POST', body: new URLSearchParams(fields) });
    if (!response.ok) { $('status').textContent = `${action} answered ${response.status}: ${(await response.text()).slice(0, 200)}`; return; }
    const disposition = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') || '');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = disposition ? disposition[1] : action.replace(/.*\//, '') + ({ 'application/fits': '.fits', 'application/x-npy': '.npy', 'text/csv': '.csv' }[(response.headers.get('content-type') || '').split(';')[0]] ?? '.xml');
    document.body.append(link);
    link.click();
    link.remove();
    return;
  }
  const form = document.createElement('form');
  form.method = 'post';
  form.action = action;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  form.remove();
}

function selection() {
  if (selected.size === 0) { $('status').textContent = 'Select some rows first (the boxes in the first column).'; return null; }
  return [...selected];
}

$('view-selected').addEventListener('click', () => {
  const dids = selection();
  if (dids) location.href = 'view?' + dids.slice(0, 8).map((d) => 'ID=' + encodeURIComponent(d)).join('&');
});
$('votable-selected').addEventListener('click', () => {
  const dids = selection();
  if (dids) postForm('tap/sync', { REQUEST: 'doQuery', LANG: 'ADQL', FORMAT: 'votable/td', QUERY: `SELECT * FROM ivoa.obscore WHERE obs_publisher_did IN (${dids.map(quote).join(', ')})` });
});
$('getspec-selected').addEventListener('click', () => {
  const dids = selection();
  if (!dids) return;
  // A publisher DID here ends in ?specobjid and names its collection before it (ivo://authority/collection?id).
  const parsed = dids.map((d) => /\/([^/?]+)\?(\d+)$/.exec(d)).filter(Boolean);
  const context = parsed[0]?.[1];
  const ids = parsed.filter((m) => m[1] === context).map((m) => m[2]);
  if (!context) { $('status').textContent = 'These identifiers do not name a getSpec context.'; return; }
  if (ids.length < dids.length) $('status').textContent = `getSpec takes one collection at a time: sending the ${ids.length} of ${context}.`;
  // getSpec sends several spectra only on one wavelength grid (align=True); FITS holds one spectrum. "auto": one
  // spectrum as its FITS file, several as a VOTable.
  let format = $('getspec-format').value;
  if (format === 'auto') format = ids.length === 1 ? 'fits' : 'votable';
  if (format === 'fits' && ids.length > 1) { $('status').textContent = 'FITS holds one spectrum: choose .npy, CSV or VOTable for several.'; return; }
  postForm('spec/getSpec', ids.length === 1 && format === 'fits' ? { id_list: `[${ids[0]}]`, context, format }
    : { id_list: '[' + ids.join(',') + ']', context, align: 'True', format });
});

// The selection to a desktop tool: the selected rows as a TAP query URL (a VOTable the tool fetches itself).
$('samp-selected').addEventListener('click', async () => {
  const dids = selection();
  if (!dids) return;
  const adql = `SELECT * FROM ivoa.obscore WHERE obs_publisher_did IN (${dids.map(quote).join(', ')})`;
  // TABLEDATA: a few rows, readable as they are (the selection's VOTable download is the same).
  const url = new URL('tap/sync?' + new URLSearchParams({ REQUEST: 'doQuery', LANG: 'ADQL', FORMAT: 'votable/td', QUERY: adql }).toString().replaceAll('+', '%20'), location.href).href;
  $('samp-status').textContent = 'Sending…';
  try {
    await notifyAll('table.load.votable', { url, name: `VoSpec selection (${dids.length})` });
    $('samp-status').textContent = `Sent the ${dids.length} selected row${dids.length === 1 ? '' : 's'} to the SAMP hub.`;
  } catch (e) { $('samp-status').textContent = e.message; }
});

// The whole result as a VOTable the desktop tool fetches itself: the same query as a TAP GET URL.
$('samp-table').addEventListener('click', async () => {
  const url = new URL('tap/sync?' + new URLSearchParams({ REQUEST: 'doQuery', LANG: 'ADQL', FORMAT: 'votable', QUERY: lastAdql }).toString().replaceAll('+', '%20'), location.href).href;
  $('samp-status').textContent = 'Sending…';
  try {
    await notifyAll('table.load.votable', { url, name: 'VoSpec search' });
    $('samp-status').textContent = 'Sent to the SAMP hub.';
  } catch (e) { $('samp-status').textContent = e.message; }
});

// ---------------------------------------------------------------- wiring

$('prev').addEventListener('click', () => { page--; render(); });
$('next').addEventListener('click', () => { page++; render(); });
$('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  let adql;
  try { adql = formToAdql(); } catch (e) { $('form-error').textContent = e.message; return; }
  $('adql').value = adql;
  $('examples').value = '';
  // The form's fields in the address, so that the search can be bookmarked or shared (it runs again on load).
  const query = new URLSearchParams();
  for (const id of FORM_FIELDS) if ($(id).value.trim() !== '') query.set(id, $(id).value.trim());
  history.replaceState(null, '', 'search' + (query.size ? '?' + query.toString() : ''));
  search(adql, 'form-error');
});
$('run-adql').addEventListener('click', () => search($('adql').value, 'adql-error'));
$('adql').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); search($('adql').value, 'adql-error'); }
});

// The ADQL box starts with the server's own examples (DALI examples document, RDFa property="query").
async function loadExamples() {
  try {
    const doc = new DOMParser().parseFromString(await (await authFetch('tap/examples')).text(), 'application/xhtml+xml');
    const select = $('examples');
    for (const ex of doc.querySelectorAll('[typeof="example"]')) {
      const query = ex.querySelector('[property="query"]'), name = ex.querySelector('[property="name"]');
      if (!query) continue;
      const option = document.createElement('option');
      option.value = query.textContent;
      option.textContent = name ? name.textContent : ex.id;
      select.append(option);
    }
    if (!$('adql').value && select.options.length > 1) { select.selectedIndex = 1; $('adql').value = select.value; }
    select.addEventListener('change', () => { $('adql').value = select.value || formToAdqlSafe(); });
  } catch { /* the form still works without examples */ }
}
const formToAdqlSafe = () => { try { return formToAdql(); } catch { return ''; } };

const params = new URLSearchParams(location.search);
// With a token, the collection list is first replaced by the one the token grants (common.js).
rightsReady.then(() => {
  for (const id of FORM_FIELDS) if (params.has(id)) $(id).value = params.get(id);
  return loadExamples();
}).then(() => { if ([...params.keys()].length) $('search-form').requestSubmit(); });
