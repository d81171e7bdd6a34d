// Reads the NumPy .npy structured arrays the archive sends into one typed array per field: SODA's (one record per
// pixel: wavelength, flux, ivar, masks, sky, model...) and getSpec's aligned ones (a 2-D array, one row per spectrum,
// read row after row: row k is each field's k-th stretch of shape[1] values). The viewer asks for .npy because it
// carries every vector of a spectrum in binary, which is smaller and faster to read than CSV or VOTable.

const SIZES = { f: { 4: 'Float32', 8: 'Float64' }, i: { 1: 'Int8', 2: 'Int16', 4: 'Int32' }, u: { 1: 'Uint8', 2: 'Uint16', 4: 'Uint32' } };

/** { fields: {name: Float64Array}, length, shape } from the bytes of a little- or big-endian structured .npy file. */
export function parseNpy(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error('not a .npy file');
  const view = new DataView(buffer);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  if (/'fortran_order':\s*True/.test(header)) throw new Error('.npy in Fortran order is not supported');
  const dims = /'shape':\s*\((\d+)(?:,\s*(\d+))?,?\s*\)/.exec(header);
  if (!dims) throw new Error('.npy: a one- or two-dimensional array was expected');
  const shape = dims[2] === undefined ? [Number(dims[1])] : [Number(dims[1]), Number(dims[2])];
  const length = shape.reduce((a, b) => a * b, 1);
  const fields = [];
  let recordSize = 0;
  for (const m of header.matchAll(/\('([^']+)',\s*'([<>|=]?)([fiu])(\d+)'\)/g)) {
    const [, name, order, kind, size] = m;
    const type = SIZES[kind]?.[size];
    if (!type) throw new Error(`.npy: field ${name} has an unsupported type ${kind}${size}`);
    fields.push({ name, offset: recordSize, type, little: order !== '>' });
    recordSize += Number(size);
  }
  if (fields.length === 0) throw new Error('.npy: not a structured array');
  const dataStart = headerStart + headerLength;
  if (dataStart + length * recordSize > bytes.length) throw new Error('.npy: the file is shorter than its header says');
  const out = {};
  for (const f of fields) {
    const column = new Float64Array(length);
    const get = view['get' + f.type].bind(view);
    for (let i = 0, at = dataStart + f.offset; i < length; i++, at += recordSize) column[i] = get(at, f.little);
    out[f.name] = column;
  }
  return { fields: out, length, shape };
}
