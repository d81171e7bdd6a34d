// The spectrum viewer. For each ID in the URL it reads the DataLink document and finds the SODA service the document
// advertises; one spectrum is fetched through that service (.npy: every vector), several through the /spec getSpec
// service aligned on one wavelength grid (one request per collection), then drawn — overlaid in one chart, or stacked
// one panel per spectrum on a shared wavelength axis — with flux, a ±1σ band from ivar, model, sky, masked pixels (shaded
// by their mask bit, with a legend) and a
// redshifted line list, by the vendored uPlot. The view's whole state lives in the URL (replaceState after each
// change), and the SODA request that returns exactly the zoomed range is always shown. A zoom or pan frame only
// redraws the canvas: the URL, the SODA links and the permalink follow once the view rests (out of the frame).
import { parseNpy } from './npy.js';
import { notifyAll } from './samp.js';
import { parseCsv } from './csv.js';
import { authFetch, token } from './common.js';

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
  layout: params.get('layout') === 'stack' ? 'stack' : 'overlay', // several spectra in one chart, or one panel each
  zs: (params.get('zs') ?? '').split(',').map(finite),            // stacked: each panel's own redshift, for its line list
};
/** Stacked panels: each spectrum has its own redshift for its line list (s.zLines); overlaid, one redshift for all. */
const stacked = () => state.layout === 'stack' && spectra.length > 1;
let spectra = [];   // { id, label, soda: {url, min, max}, wave, flux, ivar, model, sky, mask, z, zLines, colour }
let lineList = [];
let plots = [];     // the uPlot charts: one (overlay), or one per spectrum (stack), all on one x range

// ---------------------------------------------------------------- DataLink and SODA

/** The DataLink links of one ID: its rows as objects and the SODA descriptor (access URL, BAND limits). */
async function readLinks(id) {
  const response = await authFetch('datalink/links?ID=' + encodeURIComponent(id));
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
    const response = await authFetch('tap/sync', { method: 'POST', body });
    if (!response.ok) return new Map();
    const rows = parseCsv(await response.text()).slice(1).filter((c) => c.length === 4);
    return new Map(rows.map(([did, obsId, z, cls]) => [did, { obsId, z: z === '' ? NaN : Number(z), cls }]));
  } catch { return new Map(); }
}

/** One spectrum's vectors through its SODA service (the whole spectrum as .npy). */
async function fromSoda(soda) {
  const response = await authFetch(sodaUrl(soda, null, null, 'application/x-npy'));
  if (!response.ok) throw new Error(`SODA answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const { fields } = parseNpy(await response.arrayBuffer());
  if (!fields.wavelength || !fields.flux) throw new Error('the spectrum has no wavelength or flux');
  return { wave: fields.wavelength, flux: fields.flux, ivar: fields.ivar, model: fields.model, sky: fields.sky,
    mask: fields.and_mask || new Float64Array(fields.flux.length) };
}

/** A publisher DID names its collection (the getSpec context) and its specobjid: ivo://authority/collection?id. */
const didParts = (did) => { const m = /\/([^/?]+)\?(\d+)$/.exec(did); return m ? { context: m[1], specobjid: m[2] } : null; };

/**
 * Several spectra on one wavelength grid through getSpec (align=True, NumPy): one request per collection, rows in the
 * order asked. The grid's ends outside a spectrum are zero pads: they become gaps (NaN), not masked pixels.
 */
async function fromGetSpec(items) {
  const out = new Map();
  const groups = new Map();
  for (const item of items) {
    const parts = didParts(item.id);
    if (!parts) continue;
    if (!groups.has(parts.context)) groups.set(parts.context, []);
    groups.get(parts.context).push({ ...item, specobjid: parts.specobjid });
  }
  await Promise.all([...groups].map(async ([context, group]) => {
    const body = new URLSearchParams({ context, align: 'True', format: 'numpy', values: 'all' });
    for (const g of group) body.append('id_list', g.specobjid);
    const response = await authFetch('spec/getSpec', { method: 'POST', body });
    if (!response.ok) throw new Error(`getSpec answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    const { fields, shape } = parseNpy(await response.arrayBuffer());
    const n = shape[shape.length - 1];
    if (shape.length !== 2 || shape[0] !== group.length || !fields.loglam || !fields.flux) throw new Error('getSpec sent no aligned rows');
    group.forEach((g, k) => {
      const row = (name) => (fields[name] ? fields[name].slice(k * n, (k + 1) * n) : null);
      const loglam = row('loglam'), flux = row('flux'), ivar = row('ivar'), model = row('model'), sky = row('sky');
      const mask = row('and_mask') || new Float64Array(n);
      const wave = loglam.map((l) => 10 ** l);
      const pad = (i) => flux[i] === 0 && (!ivar || ivar[i] === 0);
      let first = 0, last = n - 1;
      while (first < n && pad(first)) first++;
      while (last > first && pad(last)) last--;
      for (let i = 0; i < n; i++) if (i < first || i > last) { flux[i] = NaN; if (model) model[i] = NaN; if (sky) sky[i] = NaN; if (ivar) ivar[i] = 0; mask[i] = 0; }
      out.set(g.id, { wave, flux, ivar, model, sky, mask });
    });
  }));
  return out;
}

async function load() {
  if (ids.length === 0) { $('view-status').textContent = 'No spectrum given: open this page from the search page, or as view?ID=<publisher DID>.'; return; }
  $('view-status').textContent = `Loading ${ids.length} spectr${ids.length === 1 ? 'um' : 'a'}…`;
  const [meta, lines] = await Promise.all([catalogue(ids), authFetch('web/lines.json').then((r) => r.json()).catch(() => ({ lines: [] }))]);
  lineList = lines.lines || [];
  const problems = [];
  const linked = (await Promise.all(ids.map(async (id) => {
    try { return { id, soda: (await readLinks(id)).soda }; } catch (e) { problems.push(`${id}: ${e.message}`); return null; }
  }))).filter(Boolean);
  // Several spectra: aligned through getSpec; one (or one whose DID names no getSpec id): through its SODA service.
  let aligned = new Map();
  if (linked.length > 1) {
    try { aligned = await fromGetSpec(linked); } catch (e) { problems.push('aligned through getSpec: ' + e.message); }
  }
  const loaded = await Promise.all(linked.map(async ({ id, soda }, k) => {
    try {
      const arrays = aligned.get(id) ?? await fromSoda(soda);
      const m = meta.get(id);
      return { id, soda, ...arrays, aligned: aligned.has(id), colour: COLOURS[k % COLOURS.length],
        label: m ? `${m.obsId} (${m.cls}${Number.isFinite(m.z) ? `, z=${m.z.toFixed(4)}` : ""})` : id, z: m && Number.isFinite(m.z) ? m.z : null };
    } catch (e) {
      problems.push(`${id}: ${e.message}`);
      return null;
    }
  }));
  spectra = loaded.filter(Boolean);
  // Performance marks (User Timing) for the budgets' benchmark (VoSpec.Bench web): data in → first complete draw.
  performance.mark('vospec:data');
  if (state.z === null) state.z = spectra.find((s) => s.z !== null)?.z ?? 0;
  spectra.forEach((s, k) => { s.zLines = Math.max(0, Math.min(7, state.zs[k] ?? s.z ?? state.z)); });
  if (allIds.length > MAX_SPECTRA) problems.push(`${allIds.length - MAX_SPECTRA} more (at most ${MAX_SPECTRA} are shown)`);
  $('view-status').textContent = problems.length ? 'Not shown: ' + problems.join('; ') : '';
  $('layout-box').hidden = spectra.length < 2;
  if (spectra.length === 0) return;
  renderLegend();
  syncControls();
  draw();
  flush();
  performance.mark('vospec:drawn');
  warmUp();
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

/** uPlot's data for the spectra of one chart (one x for all of them, null where a spectrum has no pixel) and its series. */
function chartData(list) {
  const tables = [], series = [{ label: `Wavelength (${UNITS[state.unit].label}, ${state.frame === 'rest' ? 'rest' : 'observed'} frame, vacuum)` }], bands = [];
  let column = 1;
  for (const s of list) {
    const colour = s.colour, first = s === spectra[0];
    const smoothed = smooth(s.flux, s);
    const flux = Array.from(smoothed.values, (v, i) => v * fluxScale(s, i));
    // For the flux axis' percentiles: the display x and the shown flux (NaN where masked), as typed arrays.
    s.x = Float64Array.from(s.wave, toDisplay);
    s.good = Float64Array.from(flux, (v, i) => (s.mask[i] === 0 ? v : NaN));
    const cols = [Array.from(s.x), Array.from(flux, (v) => (Number.isFinite(v) ? v : null))];
    series.push({ label: s.label, stroke: colour, width: 1, spanGaps: true });
    column++;
    if (state.err && s.ivar) {
      const sigma = Array.from(s.ivar, (iv, i) => (iv > 0 ? smoothed.noise * fluxScale(s, i) / Math.sqrt(iv) : null));
      cols.push(Array.from(flux, (v, i) => (sigma[i] === null ? null : v + sigma[i])), Array.from(flux, (v, i) => (sigma[i] === null ? null : v - sigma[i])));
      series.push({ label: '+1σ', stroke: 'transparent', width: 0, points: { show: false } }, { label: '−1σ', stroke: 'transparent', width: 0, points: { show: false } });
      bands.push({ series: [column, column + 1], fill: colour + '33' });
      column += 2;
    }
    const finiteOrNull = (v) => (Number.isFinite(v) ? v : null);
    if (state.model && s.model) { cols.push(Array.from(s.model, (v, i) => finiteOrNull(v * fluxScale(s, i)))); series.push({ label: 'model', stroke: first || state.layout === 'stack' ? '#e67e22' : colour, width: 1, dash: [4, 3], spanGaps: true }); column++; }
    if (state.sky && s.sky) { cols.push(Array.from(s.sky, (v, i) => finiteOrNull(v * fluxScale(s, i)))); series.push({ label: 'sky', stroke: '#7f8c8d', width: 1, spanGaps: true }); column++; }
    tables.push(cols);
  }
  // Spectra aligned through getSpec share their x column: no join needed.
  const shared = tables.length > 1 && tables.every((t) => t[0].length === tables[0][0].length && t[0][0] === tables[0][0][0]);
  const data = tables.length === 1 ? tables[0] : shared ? [tables[0][0], ...tables.flatMap((t) => t.slice(1))] : window.uPlot.join(tables);
  return { data, series, bands };
}

// ---------------------------------------------------------------- drawing

// SDSS/BOSS per-pixel mask bits (SPPIXMASK, as in and_mask), from idlutils' sdssMaskbits.par.
const MASK_BITS = { 0: 'NOPLUG', 1: 'BADTRACE', 2: 'BADFLAT', 3: 'BADARC', 4: 'MANYBADCOLUMNS', 5: 'MANYREJECTED', 6: 'LARGESHIFT',
  7: 'BADSKYFIBER', 8: 'NEARWHOPPER', 9: 'WHOPPER', 10: 'SMEARIMAGE', 11: 'SMEARHIGHSN', 12: 'SMEARMEDSN', 16: 'NEARBADPIXEL',
  17: 'LOWFLAT', 18: 'FULLREJECT', 19: 'PARTIALREJECT', 20: 'SCATTEREDLIGHT', 21: 'CROSSTALK', 22: 'NOSKY', 23: 'BRIGHTSKY',
  24: 'NODATA', 25: 'COMBINEREJ', 26: 'BADFLUXFACTOR', 27: 'BADSKYCHI', 28: 'REDMONSTER' };
const NO_IVAR = -1; // no mask bit, but no inverse variance either

/** The shade of one mask bit (or of "no ivar"): a fixed hue per bit, so a bit looks the same in every view. */
const maskColour = (bit, alpha) => (bit === NO_IVAR ? `rgba(120, 120, 120, ${alpha})` : `hsla(${(bit * 67) % 360}, 75%, 45%, ${alpha})`);
const maskName = (bit) => (bit === NO_IVAR ? 'no inverse variance' : `${MASK_BITS[bit] ?? 'bit ' + bit} (bit ${bit})`);

/** Runs of masked pixels, each with the mask bit it is shaded by (a pixel's lowest set bit of and_mask). */
function maskedRuns(s) {
  const runs = [];
  let start = -1, current = null;
  for (let i = 0; i <= s.mask.length; i++) {
    let bit = null;
    if (i < s.mask.length && Number.isFinite(s.flux[i])) {
      const m = s.mask[i] >>> 0;
      if (m !== 0) bit = 31 - Math.clz32(m & -m);
      else if (s.ivar && !(s.ivar[i] > 0)) bit = NO_IVAR;
    }
    if (bit !== current) {
      if (current !== null) runs.push([s.wave[start], s.wave[i - 1], current]);
      start = i; current = bit;
    }
  }
  return runs;
}

/** The legend of the mask bits the shown spectra have, with their shades. */
function renderMaskLegend() {
  const box = $('mask-legend');
  box.replaceChildren();
  const bits = [...new Set(spectra.flatMap((s) => s.runs.map((r) => r[2])))].sort((a, b) => a - b);
  box.hidden = !state.mask || bits.length === 0;
  if (box.hidden) return;
  box.append('Masked pixels: ');
  for (const bit of bits) {
    const span = document.createElement('span');
    span.className = 'mask-bit';
    span.dataset.bit = String(bit);
    const swatch = document.createElement('span');
    swatch.className = 'mask-swatch';
    swatch.style.backgroundColor = maskColour(bit, 0.35); // CSSOM, not an inline style attribute: the policy allows it
    span.append(swatch, ' ' + maskName(bit));
    box.append(span, ' ');
  }
}

function drawOverlays(u) {
  const ctx = u.ctx, { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath(); ctx.rect(left, top, width, height); ctx.clip();
  if (state.mask) {
    const { min, max } = u.scales.x;
    // One colour (one parse of it) and one path per mask bit, however many runs.
    for (const s of u.spectra ?? []) for (const { colour, runs } of (s.runsByBit ?? new Map()).values()) {
      ctx.fillStyle = colour;
      ctx.beginPath();
      for (const [a, b] of runs) {
        const va = toDisplay(a), vb = toDisplay(b);
        if (vb < min || va > max) continue;
        const x0 = u.valToPos(va, 'x', true), x1 = u.valToPos(vb, 'x', true);
        ctx.rect(x0 - 1, top, Math.max(2, x1 - x0 + 2), height);
      }
      ctx.fill();
    }
  }
  if (state.lines) {
    const dpr = window.devicePixelRatio || 1;
    ctx.strokeStyle = 'rgba(60, 60, 60, 0.55)'; ctx.fillStyle = '#333';
    ctx.setLineDash([3 * dpr, 3 * dpr]); ctx.lineWidth = dpr;
    ctx.font = `${11 * dpr}px sans-serif`;
    const { min, max } = u.scales.x, z = stacked() ? u.spectra[0].zLines : state.z;
    let lastLabel = -Infinity;
    ctx.beginPath();
    const labels = [];
    for (const line of lineList) {
      const v = toDisplay(line.vacuum * (1 + z));
      if (v < min || v > max) continue;
      const x = Math.round(u.valToPos(v, 'x', true)) + 0.5;
      ctx.moveTo(x, top); ctx.lineTo(x, top + height);
      if (x - lastLabel > 30 * dpr) { labels.push([line.name, x + 2 * dpr]); lastLabel = x; }
    }
    ctx.stroke(); // all the markers as one path: one stroke per frame
    for (const [name, x] of labels) ctx.fillText(name, x, top + 12 * dpr);
  }
  ctx.restore();
  performance.mark('vospec:frame');
}

let scratch = new Float64Array(0);

/** The k-th smallest of a[0..n) (Hoare's selection, in place): the percentiles cost O(n), not a sort, in a frame. */
function select(a, n, k) {
  let lo = 0, hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else break;
  }
  return a[k];
}

/** First index of the ascending x whose value is ≥ v. */
function lowerBound(x, v) {
  let lo = 0, hi = x.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (x[mid] < v) lo = mid + 1; else hi = mid; }
  return lo;
}

/** At most this many flux values enter the flux axis' percentiles in a frame: a longer range is read at a stride.
 *  The frame's cost then no longer grows with the spectrum's length (a DESI coadd has three times SDSS's pixels),
 *  and the percentiles of 2,000 evenly spread pixels place the axis as those of all of them do, to a pixel or two. */
const RANGE_SAMPLE = 2000;

/** The flux axis: percentiles 0.5 to 99.5 of the chart's shown flux in the x range (plus padding), so that sky
 *  lines and a few spikes do not flatten the spectrum; the ±1σ band may run off the frame. */
function fluxRange(u) {
  // Before the x scale is first set (uPlot ranges y during its construction), the whole spectrum counts.
  const min = Number.isFinite(u.scales.x.min) ? u.scales.x.min : -Infinity, max = Number.isFinite(u.scales.x.max) ? u.scales.x.max : Infinity;
  const list = u.spectra ?? [];
  if (scratch.length < RANGE_SAMPLE * MAX_SPECTRA) scratch = new Float64Array(RANGE_SAMPLE * MAX_SPECTRA);
  let n = 0;
  for (const s of list) {
    const first = lowerBound(s.x, min), end = Math.min(s.x.length, lowerBound(s.x, max + Number.EPSILON * Math.abs(max)));
    const step = Math.max(1, Math.ceil((end - first) / RANGE_SAMPLE));
    for (let i = first; i < end; i += step) {
      const v = s.good[i];
      if (v === v) scratch[n++] = v; // not NaN
    }
  }
  if (n < 2) return [0, 1];
  const lo = select(scratch, n, Math.floor(n * 0.005)), hi = select(scratch, n, Math.min(n - 1, Math.floor(n * 0.995)));
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  return [lo - pad, hi + pad];
}

function size(panels) {
  const width = Math.max(300, $('chart').clientWidth);
  const height = Math.round(Math.min(420, Math.max(240, width * 0.55)));
  return { width, height: panels > 1 ? Math.max(160, Math.round(height * 0.6)) : height };
}

/** The whole x range of the shown spectra, in display units. */
function fullRange() {
  let lo = Infinity, hi = -Infinity;
  for (const s of spectra) { lo = Math.min(lo, toDisplay(s.wave[0])); hi = Math.max(hi, toDisplay(s.wave[s.wave.length - 1])); }
  return [lo, hi];
}

function draw() {
  for (const s of spectra) {
    s.runs = maskedRuns(s);
    s.runsByBit = new Map();
    for (const run of s.runs) {
      if (!s.runsByBit.has(run[2])) s.runsByBit.set(run[2], { colour: maskColour(run[2], 0.16), runs: [] });
      s.runsByBit.get(run[2]).runs.push(run);
    }
  }
  renderMaskLegend();
  $('z-note').hidden = !stacked();
  for (const p of plots) p.destroy();
  plots = [];
  const chart = $('chart');
  chart.replaceChildren();
  const groups = state.layout === 'stack' && spectra.length > 1 ? spectra.map((s) => [s]) : [spectra];
  const [first, last] = fullRange();
  const lo = state.lo === null ? first : toDisplay(state.lo), hi = state.hi === null ? last : toDisplay(state.hi);
  const fluxLabel = state.fluxu === 'fnu' ? 'Flux density f_ν (µJy)' : 'Flux (10⁻¹⁷ erg s⁻¹ cm⁻² Å⁻¹)';
  let xLabel = '';
  groups.forEach((list, k) => {
    const { data, series, bands } = chartData(list);
    xLabel = series[0].label;
    const opts = {
      ...size(groups.length),
      series, bands,
      scales: { y: { range: (u) => fluxRange(u) }, x: { time: false, min: lo, max: hi } },
      // Stacked panels share the wavelength axis: its title under the last one only.
      axes: [{ label: k === groups.length - 1 ? xLabel : undefined }, { label: fluxLabel, size: 60 }],
      cursor: { drag: { x: true, y: false } },
      legend: { show: false },
      hooks: { init: [(u) => { u.spectra = list; }], draw: [drawOverlays], setScale: [(u, key) => { if (key === 'x') onZoom(u); }] },
    };
    const panel = document.createElement('div');
    panel.className = 'panel';
    if (groups.length > 1) panel.dataset.spectrum = String(k);
    chart.append(panel);
    if (groups.length > 1) panel.append(panelRedshift(list[0], k, () => u.redraw()));
    const u = new window.uPlot(opts, data, panel);
    u.setScale('x', { min: lo, max: hi }); // ranges y on the data shown
    u.over.addEventListener('wheel', onWheel, { passive: false });
    u.over.addEventListener('dblclick', () => setRange(null, null));
    touchControls(u);
    plots.push(u);
  });
  // uPlot draws the axis titles on the canvas: the region's label says them for screen readers (and tests).
  chart.setAttribute('aria-label', `Spectrum plot${groups.length > 1 ? `, ${groups.length} stacked panels` : ''}, ${fluxLabel} against ${xLabel}: arrow keys pan, + and - zoom, 0 resets`);
  onZoom(plots[0]);
}
// Each chart's x range, for the browser tests (stacked panels share theirs).
$('chart').ranges = () => plots.map((p) => [p.scales.x.min, p.scales.x.max]);

/** A stacked panel's own redshift (slider and field): it moves that panel's line list only. */
function panelRedshift(s, k, repaint) {
  const label = document.createElement('label');
  label.className = 'panel-z';
  const slider = document.createElement('input'), field = document.createElement('input');
  Object.assign(slider, { type: 'range', id: 'z-slider-' + k, min: '0', max: '7', step: '0.0001' });
  Object.assign(field, { type: 'number', id: 'z-' + k, min: '0', max: '7', step: 'any' });
  slider.value = s.zLines; field.value = Number(s.zLines.toFixed(5));
  const set = (value) => {
    const z = Math.max(0, Math.min(7, Number(value)));
    if (!Number.isFinite(z)) return;
    s.zLines = z; field.value = Number(z.toFixed(5)); slider.value = z;
    repaint(); update();
  };
  slider.addEventListener('input', () => set(slider.value));
  field.addEventListener('change', () => set(field.value));
  label.append(`Redshift of ${s.label} (its line list) `, slider, ' ', field);
  return label;
}

/** A chart's x range changed (drag, wheel, keys, touch, buttons): the other panels follow, the state keeps it, and
 *  the URL and SODA links follow once the view rests. */
function onZoom(u) {
  const { min, max } = u.scales.x;
  // uPlot can report a scale before it has one (null while a chart is laid out): that is no range of the user's, and
  // taken as one it became BAND=0 0 in the SODA links.
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) return;
  for (const p of plots) if (p !== u && (p.scales.x.min !== min || p.scales.x.max !== max)) p.setScale('x', { min, max });
  const [first, last] = fullRange();
  const whole = min <= first && max >= last;
  // Kept to 0.01 Å, the precision of the permalink, so that a restored view asks SODA for the same band.
  state.lo = whole ? null : Math.round(fromDisplay(min) * 100) / 100;
  state.hi = whole ? null : Math.round(fromDisplay(max) * 100) / 100;
  update();
}

/**
 * The first zoom of a page used to be its slowest frame (16 to 32 ms where the others take 2 to 5): uPlot's
 * scale-change path, the flux percentiles and the overlays ran for the first time, unoptimised. Once the page is idle
 * after its first draw, each chart is drawn once at half its range and back, in one task (nothing of it is painted),
 * so that a person's first zoom runs code already compiled. The view and its links are left as they were.
 */
function warmUp() {
  const run = () => {
    const saved = { lo: state.lo, hi: state.hi }, pending = update.timer !== null;
    for (const p of plots) {
      const { min, max } = p.scales.x;
      p.setScale('x', { min, max: min + (max - min) / 2 });
      p.setScale('x', { min, max });
    }
    Object.assign(state, saved);
    if (!pending) { clearTimeout(update.timer); update.timer = null; } // the links already show this view
  };
  if (window.requestIdleCallback) requestIdleCallback(run, { timeout: 1000 }); else setTimeout(run, 200);
}

function setRange(lo, hi) {
  if (plots.length === 0) return;
  performance.mark('vospec:zoom'); // → the next 'vospec:frame': one zoom or pan frame
  const [first, last] = fullRange();
  const min = lo === null ? first : toDisplay(lo), max = lo === null ? last : toDisplay(hi);
  for (const p of plots) p.setScale('x', { min, max });
}

function currentRange() {
  const [first, last] = fullRange();
  return [state.lo ?? fromDisplay(first), state.hi ?? fromDisplay(last)];
}

function zoom(factor, centre) {
  if (plots.length === 0) return;
  const [lo, hi] = currentRange();
  const c = centre ?? (lo + hi) / 2, half = (hi - lo) / 2 * factor;
  const [d0, d1] = fullRange(), first = fromDisplay(d0), last = fromDisplay(d1);
  if (half * 2 >= last - first) { setRange(null, null); return; }
  setRange(Math.max(first, c - half), Math.min(last, c + half));
}

function pan(fraction) {
  if (plots.length === 0) return;
  const [lo, hi] = currentRange();
  const [d0, d1] = fullRange(), first = fromDisplay(d0), last = fromDisplay(d1);
  let shift = (hi - lo) * fraction;
  shift = Math.max(first - lo, Math.min(last - hi, shift));
  setRange(lo + shift, hi + shift);
}

function onWheel(event) {
  event.preventDefault();
  if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) { pan(Math.sign(event.deltaX || event.deltaY) * 0.1); return; }
  const u = plots.find((p) => p.over === event.currentTarget) ?? plots[0];
  const at = fromDisplay(u.posToVal(event.offsetX, 'x'));
  zoom(event.deltaY < 0 ? 0.8 : 1.25, at);
}

/** Touch: one finger drags the spectrum sideways (pan), two fingers pinch (zoom about their middle). Vertical
 *  swipes still scroll the page (touch-action: pan-y in site.css). */
function touchControls(u) {
  const touches = new Map();
  let start = null;
  const snapshot = () => {
    const [a, b] = [...touches.values()];
    const [lo, hi] = currentRange();
    start = { lo, hi, a: { ...a }, b: b && { ...b }, width: u.bbox.width / (window.devicePixelRatio || 1) };
  };
  u.over.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'touch') return;
    touches.set(e.pointerId, { x: e.offsetX, y: e.offsetY });
    u.over.setPointerCapture(e.pointerId);
    snapshot();
    e.preventDefault();
  });
  u.over.addEventListener('pointermove', (e) => {
    if (e.pointerType !== 'touch' || !touches.has(e.pointerId) || !start) return;
    touches.set(e.pointerId, { x: e.offsetX, y: e.offsetY });
    const [a, b] = [...touches.values()];
    const perPixel = (start.hi - start.lo) / start.width;
    const [d0, d1] = fullRange(), first = fromDisplay(d0), last = fromDisplay(d1);
    if (b && start.b) {
      const before = Math.abs(start.b.x - start.a.x), now = Math.abs(b.x - a.x);
      if (before < 10 || now < 10) return;
      const span = (start.hi - start.lo) * before / now;
      const centre = start.lo + (start.a.x + start.b.x) / 2 * perPixel;
      const at = ((a.x + b.x) / 2) / start.width;
      const lo = Math.max(first, centre - at * span), hi = Math.min(last, lo + span);
      if (hi - lo >= last - first) setRange(null, null); else setRange(lo, hi);
    } else {
      let shift = -(a.x - start.a.x) * perPixel;
      shift = Math.max(first - start.lo, Math.min(last - start.hi, shift));
      setRange(start.lo + shift, start.hi + shift);
    }
  });
  const end = (e) => { if (touches.delete(e.pointerId)) { if (touches.size) snapshot(); else start = null; } };
  u.over.addEventListener('pointerup', end);
  u.over.addEventListener('pointercancel', end);
}

// ---------------------------------------------------------------- state, URL and controls

/** The view changed: the permalink, the SODA links and the address follow once it rests (not inside a frame). */
function update() {
  clearTimeout(update.timer);
  update.timer = setTimeout(flush, 120);
}

/** Writes the state into the permalink, the SODA links and the address bar now. The address follows at most every
 *  120 ms (the debounce above): browsers throttle (and complain about) rapid history changes. */
function flush() {
  clearTimeout(update.timer);
  update.timer = null;
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
  if (state.layout !== 'overlay') query.set('layout', state.layout);
  if (stacked()) query.set('zs', spectra.map((s) => String(Number(s.zLines.toFixed(5)))).join(','));
  const permalink = new URL('view?' + query.toString(), location.href).href;
  $('permalink').href = permalink;
  renderSoda();
  if (location.href !== permalink) history.replaceState(null, '', permalink);
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
  $('layout').value = state.layout;
}

const redraw = () => { if (spectra.length) draw(); };
for (const [id, name] of [['show-err', 'err'], ['show-model', 'model'], ['show-sky', 'sky'], ['show-mask', 'mask'], ['show-lines', 'lines']])
  $(id).addEventListener('change', () => {
    state[name] = $(id).checked;
    // Masks and lines are drawn over the chart: a repaint is enough; the others change the series.
    if (name === 'mask' || name === 'lines') { for (const p of plots) p.redraw(); renderMaskLegend(); update(); } else redraw();
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
  if (state.frame === 'rest') redraw(); else { for (const p of plots) p.redraw(); update(); }
}
$('z-slider').addEventListener('input', () => setZ($('z-slider').value));
$('z').addEventListener('change', () => setZ($('z').value));
$('soda-format').addEventListener('change', () => { state.fmt = $('soda-format').value; update(); });
$('layout').addEventListener('change', () => { state.layout = $('layout').value; redraw(); });
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
// With an access token, a SODA link is downloaded by a fetch that sends it (a plain link cannot): the answer is saved
// from a blob: URL. The link itself, to copy or hand to another program, never holds the token.
$('soda-urls').addEventListener('click', async (event) => {
  const link = event.target.closest('a.soda-url');
  if (!link || !token()) return;
  event.preventDefault();
  const response = await authFetch(link.href);
  if (!response.ok) { $('view-status').textContent = `SODA answered ${response.status}`; return; }
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') || '');
  const save = document.createElement('a');
  save.href = URL.createObjectURL(await response.blob());
  save.download = name ? name[1] : 'spectrum';
  document.body.append(save);
  save.click();
  save.remove();
});
$('chart').addEventListener('keydown', (event) => {
  if (event.target.closest('input, select')) return; // a stacked panel's redshift field takes its own keys
  const keys = { ArrowLeft: () => pan(-0.1), ArrowRight: () => pan(0.1), '+': () => zoom(0.5), '=': () => zoom(0.5), '-': () => zoom(2), '0': () => setRange(null, null) };
  const action = keys[event.key];
  if (action) { event.preventDefault(); action(); }
});
let width = 0;
new ResizeObserver(() => {
  const w = $('chart').clientWidth;
  if (w === width) return; // the stacked panels' height changes are the chart's own
  width = w;
  for (const p of plots) p.setSize(size(plots.length));
}).observe($('chart'));

load().catch((e) => { $('view-status').textContent = 'The viewer failed: ' + e.message; });
