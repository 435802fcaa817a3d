// Signs in to Home Assistant's frontend in Debian's Chromium, opens the gateway's device page and
// a port's device page, checks what they show, and saves screenshots.
// Environment: HA_URL, HA_USERNAME, HA_PASSWORD, GATEWAY_DEVICE_ID, PORT_DEVICE_ID, PORT_NAME,
// OUT_DIR; CHROMIUM (default /usr/bin/chromium). Exits non-zero, saying why, on any failure.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const url = env("HA_URL");
const outDir = env("OUT_DIR");
mkdirSync(outDir, { recursive: true });

// The flags this closed network needs: without the background-networking ones Chromium keeps
// reaching for Google's hosts.
const browser = await chromium.launch({
  executablePath: env("CHROMIUM", "/usr/bin/chromium"),
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1250 } });
try {
  page.setDefaultTimeout(30000);

  await page.goto(url);
  await page.locator('input[name="username"]').fill(env("HA_USERNAME"));
  await page.locator('input[name="password"]').fill(env("HA_PASSWORD"));
  await page.locator('input[name="password"]').press("Enter");
  await page.waitForURL((target) => !target.pathname.startsWith("/auth"));
  await page.getByText("Settings", { exact: true }).first().waitFor(); // the sidebar

  // Playwright's text locators see into the frontend's shadow roots.
  await page.goto(`${url}/config/devices/device/${env("GATEWAY_DEVICE_ID")}`);
  await page.getByText("Connected devices").waitFor();
  const portName = env("PORT_NAME");
  // A connected device's row reads "Port 1  20 entities".
  await page.locator("ha-list-item", { hasText: portName }).first().waitFor();
  await page.getByText("SMS delivered").first().waitFor();
  await page.waitForTimeout(500); // let the cards finish their layout before the picture
  await page.screenshot({ path: `${outDir}/gateway-device.png` });

  await page.goto(`${url}/config/devices/device/${env("PORT_DEVICE_ID")}`);
  // An entity row's text is its name and its state.
  const row = (name, state) =>
    page.locator("hui-generic-entity-row", { hasText: name }).filter({ hasText: state }).first();
  await row("Signal strength", /-\d+ dBm/).waitFor();
  await row("Registration", /Registered/).waitFor(); // not "Not registered": case counts
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${outDir}/port-device.png` });

  await page.goto(url);
  await page.getByText("Signal strength").first().waitFor();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${outDir}/overview.png` });
  console.log(JSON.stringify({ ok: true, screenshots: outDir }));
} catch (error) {
  await page.screenshot({ path: `${outDir}/failure.png` }).catch(() => {});
  throw error;
} finally {
  await browser.close();
}
