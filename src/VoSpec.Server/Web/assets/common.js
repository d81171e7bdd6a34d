// Shared by VoSpec's pages: copy buttons (data-copy names the element whose text, or link, is copied). Plain module,
// no build step; nothing here writes markup, so catalogue text can never become HTML.
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
