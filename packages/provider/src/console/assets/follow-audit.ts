import type { FastifyInstance } from 'fastify';
import { sendScript } from '../../ui/send-script.js';

/**
 * "Follow live" on the audit page: progressive enhancement, the page works without it. When the
 * person ticks the box, the page re-reads itself every few seconds (same URL, same filters, same
 * origin) and swaps in the new rows, announcing how many arrived through a polite live region. Served
 * from the provider under `script-src 'self'`: no inline script, no third party, well under 1 kB.
 */
export const FOLLOW_AUDIT_SCRIPT = `(() => {
  const box = document.getElementById('follow-live');
  const status = document.getElementById('follow-status');
  const rows = () => document.querySelector('#audit-events tbody');
  if (!box || !status || !rows()) return;
  box.closest('.follow').hidden = false;
  let timer;
  const tick = async () => {
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!response.ok) { status.textContent = 'Stopped following: reload the page.'; box.checked = false; return; }
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const fresh = page.querySelector('#audit-events tbody');
      if (!fresh) { status.textContent = 'Stopped following: sign in again.'; box.checked = false; return; }
      const before = rows().querySelector('tr')?.textContent;
      const index = [...fresh.querySelectorAll('tr')].findIndex((tr) => tr.textContent === before);
      rows().replaceWith(fresh);
      if (index > 0) status.textContent = index + ' new event' + (index === 1 ? '' : 's');
    } catch { status.textContent = 'Could not reach the server; still trying.'; }
    if (box.checked) timer = setTimeout(tick, 5000);
  };
  box.addEventListener('change', () => {
    clearTimeout(timer);
    status.textContent = box.checked ? 'Following new events.' : 'Not following.';
    if (box.checked) timer = setTimeout(tick, 5000);
  });
})();
`;

/** GET the script, cacheable (it changes only with a release; the URL carries no secret). */
export function registerConsoleAssets(app: FastifyInstance, path: string): void {
  app.get(path, (_request, reply) => sendScript(reply, FOLLOW_AUDIT_SCRIPT));
}
