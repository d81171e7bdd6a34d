// SAMP Web Profile (IVOA SAMP 1.3, section 5): hands a spectrum or a table to the desktop tools (TOPCAT, SPLAT,
// Aladin) through the user's hub at localhost:21012. Each send registers, notifies every client, and unregisters,
// so nothing stays open; the hub asks its user once whether this page may talk to it. XML-RPC documents are built
// with the DOM, so catalogue strings are always escaped.
export const HUB_URL = 'http://localhost:21012/';

function encode(doc, value) {
  const v = doc.createElement('value');
  if (Array.isArray(value)) {
    const data = doc.createElement('data');
    for (const item of value) data.append(encode(doc, item));
    const array = doc.createElement('array');
    array.append(data);
    v.append(array);
  } else if (value !== null && typeof value === 'object') {
    const struct = doc.createElement('struct');
    for (const [key, item] of Object.entries(value)) {
      const member = doc.createElement('member'), name = doc.createElement('name');
      name.textContent = key;
      member.append(name, encode(doc, item));
      struct.append(member);
    }
    v.append(struct);
  } else {
    const s = doc.createElement('string');
    s.textContent = String(value);
    v.append(s);
  }
  return v;
}

function decode(value) {
  const child = [...value.children][0];
  if (!child) return value.textContent;
  switch (child.tagName) {
    case 'struct': return Object.fromEntries([...child.children].map((m) => [m.getElementsByTagName('name')[0].textContent, decode(m.getElementsByTagName('value')[0])]));
    case 'array': return [...child.getElementsByTagName('data')[0].children].map(decode);
    default: return child.textContent;
  }
}

async function call(method, params) {
  const doc = document.implementation.createDocument(null, 'methodCall', null);
  const name = doc.createElement('methodName');
  name.textContent = method;
  const list = doc.createElement('params');
  for (const p of params) { const param = doc.createElement('param'); param.append(encode(doc, p)); list.append(param); }
  doc.documentElement.append(name, list);
  const body = '<?xml version="1.0"?>' + new XMLSerializer().serializeToString(doc);
  let response;
  try {
    response = await fetch(HUB_URL, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
  } catch {
    throw new Error('no SAMP hub answers at ' + HUB_URL + ' (start TOPCAT or another hub with its Web Profile on)');
  }
  if (!response.ok) throw new Error(`the SAMP hub answered ${response.status}`);
  const reply = new DOMParser().parseFromString(await response.text(), 'application/xml');
  const fault = reply.getElementsByTagName('fault')[0];
  if (fault) throw new Error('the SAMP hub refused: ' + (decode(fault.getElementsByTagName('value')[0])?.faultString ?? 'fault'));
  const value = reply.getElementsByTagName('value')[0];
  return value ? decode(value) : null;
}

/** Sends one message (mtype and params) to every client of the hub. */
export async function notifyAll(mtype, params) {
  const registration = await call('samp.webhub.register', [{ 'samp.name': 'VoSpec' }]);
  const key = registration?.['samp.private-key'];
  if (!key) throw new Error('the SAMP hub did not register this page');
  try {
    await call('samp.webhub.declareMetadata', [key, { 'samp.name': 'VoSpec', 'samp.description.text': 'VoSpec spectrum archive pages' }]);
    await call('samp.webhub.notifyAll', [key, { 'samp.mtype': mtype, 'samp.params': params }]);
  } finally {
    await call('samp.webhub.unregister', [key]).catch(() => {});
  }
}
