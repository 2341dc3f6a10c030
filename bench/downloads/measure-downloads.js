// Times the customer downloads against a running portal (dotnet run --urls http://127.0.0.1:5093) with the demo data:
// the CSV export (all lines, a filtered sort), the calendar feed (anonymous, by token), beside a trivial endpoint of the
// same app over the same client (the floor). Uses the Playwright driver that the end-to-end tests' build puts in bin/.
// Usage: node bench/downloads/measure-downloads.js   (BASE=http://host:port/ to point elsewhere)
const path = require('path');
const { chromium } = require(path.join(__dirname, '../../tests/BacklogPortal.EndToEnd/bin/Debug/net10.0/.playwright/package'));
const base = process.env.BASE || 'http://127.0.0.1:5093/';
function pct(a, p) { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1); }
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const ctx = await browser.newContext({ baseURL: base });
  const page = await ctx.newPage();
  await page.goto('Account/Login');
  await page.fill("[id='Input.Email']", 'alice@example.com');
  await page.fill("[id='Input.Password']", 'Demo-Passw0rd!');
  await page.getByRole('button', { name: /^\s*(log|sign) in\s*$/i }).click();
  await page.waitForLoadState('networkidle');
  await page.goto('settings/notifications');
  await page.waitForTimeout(3000);
  await page.getByTestId(await page.getByTestId('feed-create').count() ? 'feed-create' : 'feed-renew').click();
  const url = (await page.getByTestId('feed-url').textContent()).trim();
  const feedPath = url.replace(/^https?:\/\/[^/]+\//, '');
  for (const [name, path] of [['floor /health/live', 'health/live'], ['csv all lines', 'backlog/export.csv'], ['csv backorders sorted', 'backlog/export.csv?kind=backorder&sort=-order'], ['feed', feedPath]]) {
    const times = []; let size = 0;
    for (let i = 0; i < 30; i++) {
      const t = Date.now(); const r = await page.request.get(path); const b = await r.body(); times.push(Date.now() - t); size = b.length;
      if (r.status() !== 200) throw new Error(name + ' ' + r.status());
    }
    console.log(`${name}: ${size} bytes, median ${pct(times, 0.5)} ms, p95 ${pct(times, 0.95)} ms (30 requests)`);
  }
  await browser.close();
})();
