// The spectrum viewer. For each ID in the URL it reads the DataLink document, finds the SODA service the document
// advertises and fetches the spectrum through it (.npy: every vector), then draws flux, a ±1σ band from ivar, model,
// sky, masked pixels and a redshifted line list with the vendored uPlot. The view's whole state lives in the URL
// (replaceState on every change), and the SODA request that returns exactly the zoomed range is always shown.
import { parseNpy } from './npy.js';
import { notifyAll } from './samp.js';
import { parseCsv } from './csv.js';

const $ = (id) => document.getElementById(id);
const UNITS = { A: { factor: 1, label: 'Å' }, nm: { factor: 10, label: 'nm' }, um: { factor: 1e4, label: 'µm' } };
const COLOURS = ['#1f4e9c', '#c0392b', '#2e7d32', '#7b1fa2'];
const MAX_SPECTRA = 4;
const params = new URLSearchParams(location.search);
const allIds = [...new Set(params.getAll('ID').filter((s) => s.trim() !== ''))];
const ids = allIds.slice(0, MAX_SPECTRA);
const flag = (name, fallback) => (params.has(name) ? params.get(name) === '1' : fallback);
const finite = (text) => (text !== null && text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : null);

const state = {
  z: finite(params.get('z')),
  frame: params.get('frame') === 'rest' ? 'rest' : 'obs',
  unit: UNITS[params.get('unit')] ? params.get('unit') : 'A',
  smooth: Math.max(1, Math.min(3000, Math.floor(finite(params.get('smooth')) ?? 1))),
  kernel: params.get('kernel') === 'gauss' ? 'gauss' : 'box',   // boxcar, or a Gaussian whose FWHM is the width
  swunit: params.get('sw') === 'kms' ? 'kms' : 'px',           // the width in pixels, or in km/s
  fluxu: params.get('fu') === 'fnu' ? 'fnu' : 'flam',          // f_λ as stored, or f_ν in µJy
  err: flag('err', true), model: flag('model', true), sky: flag('sky', false), mask: flag('mask', true), lines: flag('lines', true),
  lo: finite(params.get('lo')), hi: finite(params.get('hi')), // the zoomed range, observed-frame Å; null = everything
  fmt: params.get('fmt') || 'application/fits',
};
let spectra = [];   // { id, label, soda: {url, min, max}, wave, flux, ivar, model, sky, mask, z }
let lineList = [];
let plot = null;

// ---------------------------------------------------------------- DataLink and SODA

/** The DataLink links of one ID: its rows as objects and the SODA descriptor (access URL, BAND limits). */
async function readLinks(id) {
  const response = await fetch('datalink/links?ID=' + encodeURIComponent(id));
  const doc = new DOMParser().parseFromString(await response.text(), 'application/xml');
  const status = [...doc.getElementsByTagName('INFO')].find((i) => i.getAttribute('name') === 'QUERY_STATUS');
  if (!response.ok || status?.getAttribute('value') === 'ERROR') throw new Error(status?.textContent.trim() || `DataLink answered ${response.status}`);
  const names = [...doc.getElementsByTagName('FIELD')].map((f) => f.getAttribute('name'));
  const rows = [...doc.getElementsByTagName('TR')].map((tr) => {
    const cells = [...tr.getElementsByTagName('TD')];
    return Object.fromEntries(names.map((n, i) => [n, cells[i]?.textContent ?? '']));
  });
  if (rows.length && rows.every((r) => r.error_message)) throw new Error(rows[0].error_message);
  const cutout = rows.find((r) => r.service_def && r.semantics === '#cutout') || rows.find((r) => r.service_def);
  if (!cutout) throw new Error('its DataLink document advertises no SODA service');
  const resource = [...doc.getElementsByTagName('RESOURCE')].find((r) => r.getAttribute('ID') === cutout.service_def);
  const param = (name) => [...(resource?.getElementsByTagName('PARAM') ?? [])].find((p) => p.getAttribute('name') === name);
  const url = param('accessURL')?.getAttribute('value');
  if (!url) throw new Error('its SODA descriptor has no accessURL');
  const band = param('BAND');
  const limit = (tag) => Number(band?.getElementsByTagName(tag)[0]?.getAttribute('value'));
  const sodaId = param('ID')?.getAttribute('value') || id;
  return { rows, soda: { url, id: sodaId, min: limit('MIN'), max: limit('MAX') } };
}

/** The SODA URL for an observed-frame range in Å (null: the whole spectrum) in a response format. */
function sodaUrl(soda, lo, hi, format) {
  const query = new URLSearchParams({ ID: soda.id });
  if (lo !== null && hi !== null) query.set('BAND', `${(lo * 1e-10).toPrecision(8)} ${(hi * 1e-10).toPrecision(8)}`);
  query.set('RESPONSEFORMAT', format);
  // Spaces as %20: BAND's two numbers read the same by every SODA client and shell.
  return soda.url + (soda.url.includes('?') ? '&' : '?') + query.toString().replaceAll('+', '%20');
}

/** Catalogue redshift, class and observation id of each ID, from TAP (one query for all). */
async function catalogue(dids) {
  const list = dids.map((d) => "'" + d.replaceAll("'", "''") + "'").join(', ');
  const body = new URLSearchParams({ REQUEST: 'doQuery', LANG: 'ADQL', FORMAT: 'csv', QUERY:
    `SELECT o.obs_publisher_did, o.obs_id, s.z, s.class FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.collection = o.obs_collection AND s.obs_id = o.obs_id WHERE o.obs_publisher_did IN (${list})` });
  try {
    const response = await fetch('tap/sync', { method: 'POST', body });
    if (!response.ok) return new Map();
    const rows = parseCsv(await response.text()).slice(1).filter((c) => c.length === 4);
    return new Map(rows.map(([did, obsId, z, cls]) => [did, { obsId, z: z === '' ? NaN : Number(z), cls }]));
  } catch { return new Map(); }
}

async function load() {
  if (ids.length === 0) { $('view-status').textContent = 'No spectrum given: open this page from the search page, or as view?ID=<publisher DID>.'; return; }
  $('view-status').textContent = `Loading ${ids.length} spectr${ids.length === 1 ? 'um' : 'a'}…`;
  const [meta, lines] = await Promise.all([catalogue(ids), fetch('web/lines.json').then((r) => r.json()).catch(() => ({ lines: [] }))]);
  lineList = lines.lines || [];
  const problems = [];
  const loaded = await Promise.all(ids.map(async (id) => {
    try {
      const { soda } = await readLinks(id);
      const response = await fetch(sodaUrl(soda, null, null, 'application/x-npy'));
      if (!response.ok) throw new Error(`SODA answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      const { fields } = parseNpy(await response.arrayBuffer());
      if (!fields.wavelength || !fields.flux) throw new Error('the spectrum has no wavelength or flux');
      const m = meta.get(id);
      const mask = fields.and_mask || new Float64Array(fields.flux.length);
      return { id, soda, label: m ? `${m.obsId} (${m.cls}${Number.isFinite(m.z) ? `, z=${m.z.toFixed(4)}` : ""})` : id, z: m && Number.isFinite(m.z) ? m.z : null,
        wave: fields.wavelength, flux: fields.flux, ivar: fields.ivar, model: fields.model, sky: fields.sky, mask };
    } catch (e) {
      problems.push(`${id}: ${e.message}`);
      return null;
    }
  }));
  spectra = loaded.filter(Boolean);
  // Performance marks (User Timing) for the budgets' benchmark (bench/web_budgets): data in → first complete draw.
  performance.mark('vospec:data');
  if (state.z === null) state.z = spectra.find((s) => s.z !== null)?.z ?? 0;
  if (allIds.length > MAX_SPECTRA) problems.push(`${allIds.length - MAX_SPECTRA} more (at most ${MAX_SPECTRA} are overlaid)`);
  $('view-status').textContent = problems.length ? 'Not shown: ' + problems.join('; ') : '';
  if (spectra.length === 0) return;
  renderLegend();
  syncControls();
  draw();
  performance.mark('vospec:drawn');
}

// ---------------------------------------------------------------- data for the chart

function boxcar(values, width) {
  if (width <= 1) return values;
  const out = new Float64Array(values.length), half = Math.floor(width / 2);
  let sum = 0, count = 0;
  // A running window: each pixel is the mean of the finite values within half a width of it.
  for (let i = -half; i < values.length; i++) {
    const add = i + half, drop = i - half - 1;
    if (add < values.length && Number.isFinite(values[add])) { sum += values[add]; count++; }
    if (drop >= 0 && Number.isFinite(values[drop])) { sum -= values[drop]; count--; }
    if (i >= 0) out[i] = count ? sum / count : NaN;
  }
  return out;
}

const C_KMS = 299792.458;

/** The smoothing width in pixels of spectrum s: as given, or from km/s through the grid's step in ln λ at its middle. */
function widthPx(s) {
  if (state.swunit === 'px') return state.smooth;
  const n = s.wave.length, m = Math.max(1, Math.floor(n / 2));
  const dln = Math.log(s.wave[m] / s.wave[m - 1]);
  return dln > 0 ? Math.max(1, state.smooth / C_KMS / dln) : 1;
}

/** A Gaussian of FWHM `fwhm` pixels (cut at ±3σ), normalised over the finite values it covers. */
function gaussian(values, fwhm) {
  if (fwhm <= 1) return values;
  const sigma = fwhm / 2.3548, half = Math.ceil(3 * sigma), w = [];
  for (let k = -half; k <= half; k++) w.push(Math.exp(-0.5 * (k / sigma) ** 2));
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let sum = 0, weight = 0;
    for (let k = -half; k <= half; k++) {
      const v = values[i + k];
      if (Number.isFinite(v)) { sum += w[k + half] * v; weight += w[k + half]; }
    }
    out[i] = weight > 0 ? sum / weight : NaN;
  }
  return out;
}

/** Smooths with the chosen kernel; returns the values and the factor by which noise shrinks (1/√ of the kernel's effective pixels). */
function smooth(values, s) {
  const width = widthPx(s);
  if (state.kernel === 'gauss') {
    const sigma = width / 2.3548;
    return { values: gaussian(values, width), noise: width <= 1 ? 1 : 1 / Math.sqrt(2 * Math.sqrt(Math.PI) * sigma) };
  }
  const box = Math.max(1, Math.round(width));
  return { values: boxcar(values, box), noise: 1 / Math.sqrt(box) };
}

/** f_ν in µJy from f_λ in 10⁻¹⁷ erg s⁻¹ cm⁻² Å⁻¹: f_ν = f_λ λ² / c (c in Å/s), 1 µJy = 10⁻²⁹ erg s⁻¹ cm⁻² Hz⁻¹. */
const FNU = 1e-17 / 2.99792458e18 / 1e-29;
const fluxScale = (s, i) => (state.fluxu === 'fnu' ? s.wave[i] * s.wave[i] * FNU : 1);

const toDisplay = (angstrom) => angstrom / (state.frame === 'rest' ? 1 + state.z : 1) / UNITS[state.unit].factor;
const fromDisplay = (value) => value * UNITS[state.unit].factor * (state.frame === 'rest' ? 1 + state.z : 1);

/** uPlot's aligned data (one x for every spectrum, null where a spectrum has no pixel) and its series. */
function chartData() {
  const tables = [], series = [{ label: `Wavelength (${UNITS[state.unit].label}, ${state.frame === 'rest' ? 'rest' : 'observed'} frame, vacuum)` }], bands = [];
  let column = 1;
  spectra.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const x = Array.from(s.wave, toDisplay);
    const smoothed = smooth(s.flux, s);
    const flux = Array.from(smoothed.values, (v, i) => v * fluxScale(s, i));
    s.shown = flux;
    const cols = [x, Array.from(flux, (v) => (Number.isFinite(v) ? v : null))];
    series.push({ label: s.label, stroke: colour, width: 1, spanGaps: true });
    column++;
    if (state.err && s.ivar) {
      const sigma = Array.from(s.ivar, (iv, i) => (iv > 0 ? smoothed.noise * fluxScale(s, i) / Math.sqrt(iv) : null));
      cols.push(Array.from(flux, (v, i) => (sigma[i] === null ? null : v + sigma[i])), Array.from(flux, (v, i) => (sigma[i] === null ? null : v - sigma[i])));
      series.push({ label: '+1σ', stroke: 'transparent', width: 0, points: { show: false } }, { label: '−1σ', stroke: 'transparent', width: 0, points: { show: false } });
      bands.push({ series: [column, column + 1], fill: colour + '33' });
      column += 2;
    }
    if (state.model && s.model) { cols.push(Array.from(s.model, (v, i) => v * fluxScale(s, i))); series.push({ label: 'model', stroke: k === 0 ? '#e67e22' : colour, width: 1, dash: [4, 3], spanGaps: true }); column++; }
    if (state.sky && s.sky) { cols.push(Array.from(s.sky, (v, i) => v * fluxScale(s, i))); series.push({ label: 'sky', stroke: '#7f8c8d', width: 1, spanGaps: true }); column++; }
    tables.push(cols);
  });
  const data = tables.length === 1 ? tables[0] : window.uPlot.join(tables);
  return { data, series, bands };
}

// ---------------------------------------------------------------- drawing

function maskedRuns(s) {
  const runs = [];
  let start = -1;
  for (let i = 0; i <= s.mask.length; i++) {
    const bad = i < s.mask.length && (s.mask[i] !== 0 || (s.ivar && !(s.ivar[i] > 0)));
    if (bad && start < 0) start = i;
    else if (!bad && start >= 0) { runs.push([s.wave[start], s.wave[i - 1]]); start = -1; }
  }
  return runs;
}

function drawOverlays(u) {
  const ctx = u.ctx, { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath(); ctx.rect(left, top, width, height); ctx.clip();
  if (state.mask) {
    ctx.fillStyle = 'rgba(200, 40, 40, 0.12)';
    for (const s of spectra) for (const [a, b] of s.runs) {
      const x0 = u.valToPos(toDisplay(a), 'x', true), x1 = u.valToPos(toDisplay(b), 'x', true);
      ctx.fillRect(x0 - 1, top, Math.max(2, x1 - x0 + 2), height);
    }
  }
  if (state.lines) {
    const dpr = window.devicePixelRatio || 1;
    ctx.strokeStyle = 'rgba(60, 60, 60, 0.55)'; ctx.fillStyle = '#333';
    ctx.setLineDash([3 * dpr, 3 * dpr]); ctx.lineWidth = dpr;
    ctx.font = `${11 * dpr}px sans-serif`;
    const { min, max } = u.scales.x;
    let lastLabel = -Infinity;
    for (const line of lineList) {
      const v = toDisplay(line.vacuum * (1 + state.z));
      if (v < min || v > max) continue;
      const x = Math.round(u.valToPos(v, 'x', true)) + 0.5;
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
      if (x - lastLabel > 30 * dpr) { ctx.fillText(line.name, x + 2 * dpr, top + 12 * dpr); lastLabel = x; }
    }
  }
  ctx.restore();
  performance.mark('vospec:frame');
}

/** The flux axis: percentiles 0.5 to 99.5 of the shown spectra's flux in the x range (plus padding), so that sky
 *  lines and a few spikes do not flatten the spectrum; the ±1σ band may run off the frame. */
function fluxRange(u) {
  // Before the x scale is first set (uPlot ranges y during its construction), the whole spectrum counts.
  const min = Number.isFinite(u.scales.x.min) ? u.scales.x.min : -Infinity, max = Number.isFinite(u.scales.x.max) ? u.scales.x.max : Infinity;
  const values = [];
  for (const s of spectra) {
    const flux = s.shown;
    for (let i = 0; i < s.wave.length; i++) {
      const x = toDisplay(s.wave[i]);
      if (x >= min && x <= max && Number.isFinite(flux[i]) && s.mask[i] === 0) values.push(flux[i]);
    }
  }
  if (values.length < 2) return [0, 1];
  values.sort((a, b) => a - b);
  const lo = values[Math.floor(values.length * 0.005)], hi = values[Math.min(values.length - 1, Math.floor(values.length * 0.995))];
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  return [lo - pad, hi + pad];
}

function size() {
  const width = Math.max(300, $('chart').clientWidth);
  return { width, height: Math.round(Math.min(420, Math.max(240, width * 0.55))) };
}

function draw() {
  for (const s of spectra) s.runs = maskedRuns(s);
  const { data, series, bands } = chartData();
  const x = data[0];
  const full = [x[0], x[x.length - 1]];
  const opts = {
    ...size(),
    series, bands,
    scales: { y: { range: (u) => fluxRange(u) }, x: { time: false, min: state.lo === null ? full[0] : toDisplay(state.lo), max: state.hi === null ? full[1] : toDisplay(state.hi) } },
    axes: [{ label: series[0].label }, { label: state.fluxu === 'fnu' ? 'Flux density f_ν (µJy)' : 'Flux (10⁻¹⁷ erg s⁻¹ cm⁻² Å⁻¹)', size: 60 }],
    cursor: { drag: { x: true, y: false } },
    legend: { show: false },
    hooks: { draw: [drawOverlays], setScale: [(u, key) => { if (key === 'x') onZoom(u); }] },
  };
  if (plot) plot.destroy();
  // uPlot draws the axis titles on the canvas: the region's label says them for screen readers (and tests).
  $('chart').setAttribute('aria-label', `Spectrum plot, ${opts.axes[1].label} against ${opts.axes[0].label}: arrow keys pan, + and - zoom, 0 resets`);
  plot = new window.uPlot(opts, data, $('chart'));
  plot.setScale('x', { min: opts.scales.x.min, max: opts.scales.x.max }); // ranges y on the data shown
  plot.over.addEventListener('wheel', onWheel, { passive: false });
  plot.over.addEventListener('dblclick', () => setRange(null, null));
  onZoom(plot);
}

/** The chart's x range changed (drag, wheel, keys, buttons): keep it in the state, the URL and the SODA URLs. */
function onZoom(u) {
  const { min, max } = u.scales.x;
  const x = u.data[0];
  const whole = min <= x[0] && max >= x[x.length - 1];
  // Kept to 0.01 Å, the precision of the permalink, so that a restored view asks SODA for the same band.
  state.lo = whole ? null : Math.round(fromDisplay(min) * 100) / 100;
  state.hi = whole ? null : Math.round(fromDisplay(max) * 100) / 100;
  update();
}

function setRange(lo, hi) {
  if (!plot) return;
  const x = plot.data[0];
  if (lo === null) { plot.setScale('x', { min: x[0], max: x[x.length - 1] }); return; }
  plot.setScale('x', { min: toDisplay(lo), max: toDisplay(hi) });
}

function currentRange() {
  const x = plot.data[0];
  return [state.lo ?? fromDisplay(x[0]), state.hi ?? fromDisplay(x[x.length - 1])];
}

function zoom(factor, centre) {
  if (!plot) return;
  performance.mark('vospec:zoom'); // → the next 'vospec:frame': one zoom's frame
  const [lo, hi] = currentRange();
  const c = centre ?? (lo + hi) / 2, half = (hi - lo) / 2 * factor;
  const x = plot.data[0], first = fromDisplay(x[0]), last = fromDisplay(x[x.length - 1]);
  if (half * 2 >= last - first) { setRange(null, null); return; }
  setRange(Math.max(first, c - half), Math.min(last, c + half));
}

function pan(fraction) {
  if (!plot) return;
  const [lo, hi] = currentRange();
  const x = plot.data[0], first = fromDisplay(x[0]), last = fromDisplay(x[x.length - 1]);
  let shift = (hi - lo) * fraction;
  shift = Math.max(first - lo, Math.min(last - hi, shift));
  setRange(lo + shift, hi + shift);
}

function onWheel(event) {
  event.preventDefault();
  if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) { pan(Math.sign(event.deltaX || event.deltaY) * 0.1); return; }
  const at = fromDisplay(plot.posToVal(event.offsetX, 'x'));
  zoom(event.deltaY < 0 ? 0.8 : 1.25, at);
}

// ---------------------------------------------------------------- state, URL and controls

function update() {
  const query = new URLSearchParams();
  for (const id of spectra.length ? spectra.map((s) => s.id) : ids) query.append('ID', id);
  query.set('z', String(Number(state.z.toFixed(5))));
  if (state.frame !== 'obs') query.set('frame', state.frame);
  if (state.unit !== 'A') query.set('unit', state.unit);
  if (state.smooth > 1) query.set('smooth', String(state.smooth));
  if (state.kernel !== 'box') query.set('kernel', state.kernel);
  if (state.swunit !== 'px') query.set('sw', state.swunit);
  if (state.fluxu !== 'flam') query.set('fu', state.fluxu);
  for (const [name, fallback] of [['err', true], ['model', true], ['sky', false], ['mask', true], ['lines', true]])
    if (state[name] !== fallback) query.set(name, state[name] ? '1' : '0');
  if (state.lo !== null) { query.set('lo', state.lo.toFixed(2)); query.set('hi', state.hi.toFixed(2)); }
  if (state.fmt !== 'application/fits') query.set('fmt', state.fmt);
  const permalink = new URL('view?' + query.toString(), location.href).href;
  $('permalink').href = permalink;
  renderSoda();
  // The address bar follows at most every 200 ms: browsers throttle (and complain about) rapid history changes,
  // which a spinning mouse wheel would cause.
  clearTimeout(update.timer);
  update.timer = setTimeout(() => history.replaceState(null, '', permalink), 200);
}

function renderSoda() {
  const box = $('soda-urls');
  box.replaceChildren();
  spectra.forEach((s, k) => {
    const url = sodaUrl(s.soda, state.lo, state.hi, state.fmt);
    const p = document.createElement('p');
    const link = document.createElement('a');
    link.href = url; link.textContent = url; link.id = 'soda-url-' + k; link.className = 'soda-url';
    link.setAttribute('download', '');
    const copy = document.createElement('button');
    copy.type = 'button'; copy.className = 'copy'; copy.dataset.copy = link.id; copy.textContent = 'Copy';
    p.append(link, ' ', copy);
    box.append(p);
  });
}

function renderLegend() {
  const legend = $('legend');
  legend.replaceChildren();
  spectra.forEach((s, k) => {
    const span = document.createElement('span');
    span.className = 'swatch-' + (k % COLOURS.length);
    span.textContent = '■ ' + s.label;
    legend.append(span);
  });
}

function syncControls() {
  $('show-err').checked = state.err; $('show-model').checked = state.model; $('show-sky').checked = state.sky;
  $('show-mask').checked = state.mask; $('show-lines').checked = state.lines;
  $('smooth').value = state.smooth; $('unit').value = state.unit; $('frame').value = state.frame;
  $('kernel').value = state.kernel; $('swunit').value = state.swunit; $('fluxu').value = state.fluxu;
  $('z').value = Number(state.z.toFixed(5)); $('z-slider').value = state.z; $('soda-format').value = state.fmt;
}

const redraw = () => { if (spectra.length) draw(); };
for (const [id, name] of [['show-err', 'err'], ['show-model', 'model'], ['show-sky', 'sky'], ['show-mask', 'mask'], ['show-lines', 'lines']])
  $(id).addEventListener('change', () => {
    state[name] = $(id).checked;
    // Masks and lines are drawn over the chart: a repaint is enough; the others change the series.
    if (name === 'mask' || name === 'lines') { plot?.redraw(); update(); } else redraw();
  });
$('smooth').addEventListener('change', () => { state.smooth = Math.max(1, Math.min(3000, Math.floor(Number($('smooth').value) || 1))); $('smooth').value = state.smooth; redraw(); });
for (const [id, name] of [['kernel', 'kernel'], ['swunit', 'swunit'], ['fluxu', 'fluxu']])
  $(id).addEventListener('change', () => { state[name] = $(id).value; redraw(); });
$('unit').addEventListener('change', () => { state.unit = $('unit').value; redraw(); });
$('frame').addEventListener('change', () => { state.frame = $('frame').value; redraw(); });
function setZ(value) {
  const z = Math.max(0, Math.min(7, Number(value)));
  if (!Number.isFinite(z)) return;
  state.z = z; $('z').value = Number(z.toFixed(5)); $('z-slider').value = z;
  if (state.frame === 'rest') redraw(); else { plot?.redraw(); update(); }
}
$('z-slider').addEventListener('input', () => setZ($('z-slider').value));
$('z').addEventListener('change', () => setZ($('z').value));
$('soda-format').addEventListener('change', () => { state.fmt = $('soda-format').value; update(); });
$('zoom-in').addEventListener('click', () => zoom(0.5));
$('zoom-out').addEventListener('click', () => zoom(2));
$('pan-left').addEventListener('click', () => pan(-0.25));
$('pan-right').addEventListener('click', () => pan(0.25));
$('reset').addEventListener('click', () => setRange(null, null));
$('controls').addEventListener('submit', (event) => event.preventDefault());
// SAMP: each spectrum of the view, as the SODA request of the current band (FITS unless VOTable is chosen: the
// formats spectrum.load.ssa-generic clients read).
$('samp-send').addEventListener('click', async () => {
  const status = $('samp-status');
  status.textContent = 'Sending…';
  try {
    const format = state.fmt === 'application/x-votable+xml' ? state.fmt : 'application/fits';
    for (const s of spectra)
      await notifyAll('spectrum.load.ssa-generic', { url: sodaUrl(s.soda, state.lo, state.hi, format), 'spectrum-id': s.id, name: s.label,
        meta: { 'Access.Format': format, 'Target.Name': s.label } });
    status.textContent = `Sent ${spectra.length} spectr${spectra.length === 1 ? 'um' : 'a'} to the SAMP hub.`;
  } catch (e) {
    status.textContent = e.message;
  }
});
$('chart').addEventListener('keydown', (event) => {
  const keys = { ArrowLeft: () => pan(-0.1), ArrowRight: () => pan(0.1), '+': () => zoom(0.5), '=': () => zoom(0.5), '-': () => zoom(2), '0': () => setRange(null, null) };
  const action = keys[event.key];
  if (action) { event.preventDefault(); action(); }
});
new ResizeObserver(() => { if (plot) plot.setSize(size()); }).observe($('chart'));

load().catch((e) => { $('view-status').textContent = 'The viewer failed: ' + e.message; });
