// Shared by VoSpec's pages: copy buttons (data-copy names the element whose text, or link, is copied) and the access
// token of proprietary collections. Plain module, no build step; nothing here writes markup, so catalogue text can
// never become HTML.

// ---------------------------------------------------------------- access token
// A token that opens proprietary collections (docs/access.md) is typed once into the header's field and kept in this
// tab's sessionStorage (gone when the tab closes; never in a URL, a permalink or a cookie). Every fetch of the pages
// goes through authFetch, which sends it as the Authorization header the server accepts.
const TOKEN_KEY = 'vospec-token';

export function token() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

/** fetch() with the session's token, when one is set, as "Authorization: Bearer …" (same-origin requests only). */
export function authFetch(url, init = {}) {
  const t = token();
  if (!t || new URL(url, location.href).origin !== location.origin) return fetch(url, init);
  const headers = new Headers(init.headers || {});
  headers.set('Authorization', 'Bearer ' + t);
  return fetch(url, { ...init, headers });
}

/**
 * The server writes into a page only what an anonymous caller may see (the collection table, the collection list).
 * With a token, the page is asked for again with it and each part marked data-rights is replaced by the fresh one
 * (text the server has already escaped; DOMParser runs no script), and the sky map is fetched with the token too.
 * Resolves once the parts are in place, so that a page's script reads the collections the token grants.
 */
export const rightsReady = (async () => {
  const parts = [...document.querySelectorAll('[data-rights]')], map = document.getElementById('skymap');
  if (!token() || (parts.length === 0 && !map)) return;
  try {
    if (map) authFetch(map.getAttribute('src')).then((r) => (r.ok ? r.blob() : null)).then((b) => { if (b) map.src = URL.createObjectURL(b); });
    if (parts.length === 0) return;
    const response = await authFetch(location.href);
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const part of parts) {
      const replacement = fresh.querySelector(`[data-rights="${part.dataset.rights}"]`);
      if (replacement) part.replaceWith(document.importNode(replacement, true));
    }
  } catch { /* the public parts stay */ }
})();

// Copied links, permalinks and SAMP sends never carry the token (a bearer token must not go into a URL): where a page
// offers them, a note says so while a token is in use.
for (const note of document.querySelectorAll('.token-note')) note.hidden = !token();

const tokenForm = document.getElementById('token-form');
if (tokenForm) {
  const field = document.getElementById('token'), status = document.getElementById('token-status');
  const show = () => { status.textContent = token() ? 'token in use' : ''; document.getElementById('token-forget').hidden = !token(); };
  show();
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const t = field.value.trim();
    if (!t) return;
    sessionStorage.setItem(TOKEN_KEY, t);
    field.value = '';
    location.reload(); // the page's data again, now with the token's rights
  });
  document.getElementById('token-forget').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); location.reload(); });
  show();
}

// ---------------------------------------------------------------- copy buttons
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); return; }
  // Plain-HTTP pages have no async clipboard: a hidden textarea and execCommand still work there.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  try { document.execCommand('copy'); } finally { area.remove(); }
}

document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-copy]');
  if (!button) return;
  const target = document.getElementById(button.dataset.copy);
  if (!target) return;
  const text = target instanceof HTMLAnchorElement ? target.href : target.textContent;
  try { await copyText(text); button.textContent = 'Copied'; } catch { button.textContent = 'Copy failed'; }
  setTimeout(() => { button.textContent = 'Copy'; }, 1500);
});
