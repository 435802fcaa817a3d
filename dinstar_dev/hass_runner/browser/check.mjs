// Signs in to Home Assistant's frontend in Debian's Chromium and checks, saving screenshots:
// the gateway's and a port's device pages; the integration's page naming every gateway, with
// its brand icon served; a balance check added through its form, whose port picker shows each
// port's label; the logbook since the options were saved, with no line "became unavailable";
// the "Add contact" form with all its texts, a contact added with it and changed through its
// row's "Change contact" (May talk to Assist ticked, the second gateway and its port 1 chosen
// in "Fail over to"); the dashboard while the port's SIM is pulled and plugged again, never with a row
// whose entity is gone.
// Environment: HA_URL, HA_USERNAME, HA_PASSWORD, GATEWAY_DEVICE_ID, GATEWAY_NAMES (JSON list, the
// first is GATEWAY_DEVICE_ID's), PORT_DEVICE_ID, PORT_NAME, SIM_CONTROL_URL (the simulator's
// /_sim/ports/{n} of that port), DASHBOARD_URL, PORT_LABELS (JSON list: the first gateway's
// port labels, by port), LOGBOOK_SINCE (ISO time), CONTACT_NAME and CONTACT_NUMBER (the
// contact to add), OUT_DIR; CHROMIUM (default /usr/bin/chromium). Prints a JSON report last: before_sim_pull, the time just before the SIM
// is pulled (the logbook is quiet until then). Exits non-zero, saying why, on any failure.
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
// Our brand images, as the frontend asks for them (core integrations' come from a CDN this
// closed network cannot reach, so theirs are not ours to check).
const brandAnswers = [];
page.on("response", (response) => {
  if (response.url().includes("/api/brands/integration/dinstar/")) {
    brandAnswers.push(`${response.status()} ${response.url().split("?")[0]}`);
  }
});
const gatewayNames = JSON.parse(env("GATEWAY_NAMES"));
const pullSim = async (present) => {
  const answer = await fetch(env("SIM_CONTROL_URL"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sim: present }),
  });
  if (!answer.ok) throw new Error(`the simulator refused sim=${present}: ${answer.status}`);
};
// A subentry's form from the integration page; with several gateways the frontend asks which
// one first.
const openSubentryForm = async (button, title) => {
  await page.locator("ha-button", { hasText: button }).click();
  const form = page.getByText(title);
  const picked = page
    .locator("dialog-pick-config-entry")
    .getByText(gatewayNames[0], { exact: true });
  await form.or(picked).waitFor();
  if (!(await form.isVisible())) await picked.click();
  await form.waitFor();
  return form;
};
const noMissingEntity = async (where) => {
  const missing = await page.getByText("Entity not found").count();
  if (missing) throw new Error(`${where}: ${missing} row(s) say "Entity not found"`);
};
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

  await page.goto(`${url}/config/integrations/dashboard`);
  await page.locator("ha-integration-card", { hasText: "Dinstar" }).first().waitFor();
  await page.waitForTimeout(1000); // the icons load after the cards
  const dinstarIcons = brandAnswers.filter((answer) => answer.includes("/icon"));
  if (!dinstarIcons.length || brandAnswers.some((answer) => !answer.startsWith("200 "))) {
    throw new Error(`brand images: ${JSON.stringify(brandAnswers)}`);
  }

  await page.goto(`${url}/config/integrations/integration/dinstar`);
  for (const name of gatewayNames) {
    await page.getByText(name, { exact: true }).first().waitFor();
  }
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${outDir}/gateways.png` });

  // A balance check on port 1, chosen by its label in the port picker.
  const portLabels = JSON.parse(env("PORT_LABELS"));
  const balanceForm = await openSubentryForm("Add balance check", "Check the balance of SIMs");
  for (const label of portLabels) {
    await page.getByText(label, { exact: true }).first().waitFor();
  }
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${outDir}/balance-form.png` });
  await page.getByText(portLabels[1], { exact: true }).first().click();
  await page.locator("ha-button", { hasText: "Submit" }).last().click();
  await balanceForm.waitFor({ state: "hidden" }); // created: the dialog says so instead

  // Options saved and a balance check added reloaded nothing: no entity became unavailable.
  await page.goto(`${url}/logbook?start_date=${encodeURIComponent(env("LOGBOOK_SINCE"))}`);
  await page.locator("ha-logbook").waitFor();
  await page.waitForTimeout(2000); // its lines load after the panel
  const unavailable = await page.getByText("became unavailable").count();
  if (unavailable) throw new Error(`the logbook shows ${unavailable} "became unavailable"`);
  await page.screenshot({ path: `${outDir}/logbook.png` });

  await page.goto(`${url}/config/integrations/integration/dinstar`);
  await openSubentryForm("Add contact", "Add a contact");
  await page.getByText("May talk to Assist").waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${outDir}/contact-form.png` });
  if (await page.getByText("Translation error").count()) {
    throw new Error('the contact form shows "Translation error"');
  }
  // The contact added, then changed from its row: "May talk to Assist" ticked in place.
  const contactName = env("CONTACT_NAME");
  const dialog = page.locator("dialog-data-entry-flow");
  // A required field's label ends in "*".
  await dialog.getByRole("textbox", { name: /^Name/ }).fill(contactName);
  await dialog.getByRole("textbox", { name: /^Phone number/ }).fill(env("CONTACT_NUMBER"));
  await dialog.locator("ha-button", { hasText: "Submit" }).click();
  await dialog.getByText("Add a contact").waitFor({ state: "hidden" });
  await page.goto(`${url}/config/integrations/integration/dinstar`);
  const contactRow = page.locator("ha-config-sub-entry-row", { hasText: contactName });
  await contactRow.getByLabel("Change contact").click();
  await dialog.getByText("Change the contact").waitFor();
  // The checkbox's own element takes the click for its inner input: forced, then checked.
  await dialog.getByRole("checkbox", { name: "May talk to Assist" }).check({ force: true });
  // "Fail over to" lists the gateways by name, each followed by its ports: the other gateway
  // chosen, then its port 1 (kept, though the whole gateway wins when both are ticked).
  await dialog
    .getByRole("checkbox", { name: gatewayNames[1], exact: true })
    .check({ force: true });
  const secondPort = gatewayNames[1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + " port 1: ";
  await dialog
    .getByRole("checkbox", { name: new RegExp(`^${secondPort}`) })
    .check({ force: true });
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${outDir}/contact-reconfigure.png` });
  await dialog.locator("ha-button", { hasText: "Submit" }).click();
  // Ours, or the frontend's own words for a reconfiguration that ended well.
  await dialog.getByText(/The contact is changed|Reconfiguration was successful/).waitFor();
  await dialog.locator("ha-button", { hasText: "Close" }).click();

  await page.goto(env("DASHBOARD_URL"));
  const portCard = page.locator("hui-entities-card", { hasText: "Port 1" });
  await portCard.getByText("Registered").waitFor();
  await noMissingEntity("the dashboard");
  const beforeSimPull = new Date().toISOString();
  await pullSim(false);
  // Pushed by the gateway at once; a poll would show it within the refresh interval.
  await portCard.getByText("No SIM").waitFor({ timeout: 60000 });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${outDir}/sim-pulled.png` });
  await noMissingEntity("the dashboard with the SIM pulled");
  await pullSim(true);
  await portCard.getByText("Registered").waitFor({ timeout: 60000 });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${outDir}/dashboard.png` });
  await noMissingEntity("the dashboard with the SIM plugged again");
  console.log(
    JSON.stringify({ ok: true, screenshots: outDir, before_sim_pull: beforeSimPull }),
  );
} catch (error) {
  await page.screenshot({ path: `${outDir}/failure.png` }).catch(() => {});
  throw error;
} finally {
  await browser.close();
}
