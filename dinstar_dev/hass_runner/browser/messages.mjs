// The Messages panel in Debian's Chromium, as a user uses it: signs in, opens the panel, an SMS
// the simulator receives appears live with its unread count, the thread opens (and is read), the
// reply box counts and encodes as the integration will send, Shift+Enter breaks the line and
// Enter sends, the reply's outcome turns to "Delivered" without a reload; after a reload the
// thread is read. Screenshots: light, dark (the browser's dark mode, which Home Assistant's
// default theme follows) and a phone's width. No script, style or font comes from elsewhere.
// Environment: HA_URL, HA_USERNAME, HA_PASSWORD, SIM_SMS_URL (the simulator's /_sim/sms),
// NUMBER (the sender), OUT_DIR; CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const url = env("HA_URL");
const outDir = env("OUT_DIR");
const number = env("NUMBER");
mkdirSync(outDir, { recursive: true });

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
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const foreign = [];
// Home Assistant's own, or made in the page: the panel's loader comes inline (data:), and runs
// the panel it received over the websocket from memory (blob: of this origin).
const own = (address) =>
  address.startsWith(url) || address.startsWith("data:") || address.startsWith(`blob:${url}`);
page.on("request", (request) => {
  const kind = request.resourceType();
  if (["script", "stylesheet", "font"].includes(kind) && !own(request.url())) {
    foreign.push(`${kind} ${request.url()}`);
  }
});
// The page's own errors, printed when the check fails.
const pageErrors = [];
page.on("pageerror", (error) => pageErrors.push(String(error)));
page.on("console", (message) => {
  if (message.type() === "error") pageErrors.push(message.text());
});
const receive = async (text) => {
  const answer = await fetch(env("SIM_SMS_URL"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ port: 2, number, text }),
  });
  if (!answer.ok) throw new Error(`the simulator refused the SMS: ${answer.status}`);
};
try {
  page.setDefaultTimeout(30000);
  await page.goto(url);
  await page.locator('input[name="username"]').fill(env("HA_USERNAME"));
  await page.locator('input[name="password"]').fill(env("HA_PASSWORD"));
  await page.locator('input[name="password"]').press("Enter");
  await page.waitForURL((target) => !target.pathname.startsWith("/auth"));
  // The sidebar has the panel; it opens.
  await page.locator("ha-sidebar").getByText("Messages", { exact: true }).click();
  await page.waitForURL((target) => target.pathname === "/dinstar-messages");
  const panel = page.locator("dinstar-messages-panel");
  await panel.getByText("No messages yet.").waitFor();

  await receive("Are you coming tonight?");
  const thread = panel.locator("button.thread", { hasText: "Are you coming tonight?" });
  await thread.locator(".unread", { hasText: "1" }).waitFor();
  await panel.locator(".title", { hasText: "Messages (1)" }).waitFor();

  await thread.click();
  await panel.locator(".bubble", { hasText: "Are you coming tonight?" }).waitFor();
  await thread.locator(".unread").waitFor({ state: "detached" });
  const box = panel.locator("textarea");
  const counter = panel.locator(".counter");
  await box.fill("Čau");
  await counter.getByText("3/70 · 1 part · Unicode").waitFor();
  await box.fill("");
  await box.pressSequentially("Yes");
  await box.press("Shift+Enter");
  await box.pressSequentially("at eight");
  if ((await box.inputValue()) !== "Yes\nat eight") throw new Error("Shift+Enter did not break the line");
  await counter.getByText("12/160 · 1 part · GSM 7-bit").waitFor();
  await box.press("Enter");
  const reply = panel.locator(".row.sent", { hasText: "at eight" });
  await reply.waitFor();
  if ((await box.inputValue()) !== "") throw new Error("Enter did not send the reply");
  await reply.getByText("Delivered").waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${outDir}/messages-light.png` });

  await page.reload();
  const again = panel.locator("button.thread", { hasText: "at eight" });
  await again.waitFor();
  if (await again.locator(".unread").count()) throw new Error("the thread is unread after a reload");
  if (await panel.locator(".title", { hasText: "(" }).count()) {
    throw new Error("the title still counts unread messages");
  }

  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await again.click();
  await reply.getByText("Delivered").waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${outDir}/messages-dark.png` });

  await page.setViewportSize({ width: 390, height: 760 });
  await page.reload();
  await panel.locator("button.thread", { hasText: "at eight" }).click();
  await reply.waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${outDir}/messages-phone.png` });
  if (foreign.length) throw new Error(`loaded from elsewhere: ${foreign.join(", ")}`);
  console.log(JSON.stringify({ ok: true, screenshots: outDir }));
} catch (error) {
  await page.screenshot({ path: `${outDir}/messages-failure.png` }).catch(() => {});
  if (pageErrors.length) console.error(`the page's errors:\n${pageErrors.join("\n")}`);
  throw error;
} finally {
  await browser.close();
}
