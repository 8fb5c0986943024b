// An approver's real experience: a link from the dev inbox opened in Chromium
// (Debian's /usr/bin/chromium driven by playwright-core), on a phone-sized
// screen, with and without JavaScript.
import { existsSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { sampleAlertmanagerBody } from "../../scripts/lib/dev-defaults.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  stack = await startStack({ port: await freePort(), purpose: "test", redisDb: 6, persistTo: mkdtempSync(join(tmpdir(), "awoooi-browser-")) });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

interface InboxMessage {
  incident_id: string;
  kind: string;
  approval_id: string;
  links: { approver: string; url: string }[];
}

/** The sample crash-looping pod alert, for a pod of its own (so it opens a new incident). */
async function alertToInbox(pod: string): Promise<InboxMessage> {
  const body = sampleAlertmanagerBody() as { alerts: Array<{ labels: Record<string, string>; fingerprint: string }> };
  body.alerts[0]!.labels.pod = pod;
  body.alerts[0]!.fingerprint = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
  const response = await fetch(`${stack.baseUrl}/api/v1/webhooks/alertmanager`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.vars.WEBHOOK_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
  const incidentId = ((await response.json()) as { results: Array<{ incident_id: string }> }).results[0]!.incident_id;
  const find = async () => {
    const { messages } = (await (await fetch(`${stack.baseUrl}/dev/inbox`)).json()) as { messages: InboxMessage[] };
    // (A P0/P1 is announced first, without links: the approval request is the one to open.)
    return messages.find((m) => m.incident_id === incidentId && m.kind === "approval_requested");
  };
  await expect.poll(find, { timeout: 30_000, interval: 250 }).toBeDefined();
  return (await find())!;
}

const approvalState = async (id: string) =>
  (await (await fetch(`${stack.baseUrl}/api/v1/approvals/${id}`, { headers: { Authorization: `Bearer ${stack.vars.OPS_TOKEN}` } })).json()) as {
    status: string;
    signatures: Array<{ approver: string }>;
  };

describe("the confirm page in Chromium", () => {
  it("shows the verdict, approves on click, and a second approver's page load alone changes nothing", async () => {
    const message = await alertToInbox("api-server-7d4b8c9f5-aaaa1");
    const [alice, bob] = message.links;
    // A phone: 390×844, touch, no JavaScript — the page must work with none of it.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, javaScriptEnabled: false });
    const page = await context.newPage();

    const opened = await page.goto(alice!.url);
    expect(opened?.status()).toBe(200);
    await expect.poll(() => page.locator("#status").textContent()).toBe("PENDING");
    const text = (await page.locator("body").textContent()) ?? "";
    expect(text).toContain("PodCrashLoopBackOff");
    expect(text).toContain("Root cause");
    expect(text).toContain("Proposed action: ROLLBACK_DEPLOYMENT");
    expect(text).toContain("0 of 2 approvals");
    // Readable without sideways scrolling, and the buttons big enough to hit.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const approveButton = page.getByRole("button", { name: "Approve as alice" });
    expect((await approveButton.boundingBox())!.height).toBeGreaterThanOrEqual(44);

    await page.locator("#comment").fill("rolling back, looks like the 14:02 deploy");
    await approveButton.click();
    await page.waitForLoadState("domcontentloaded");
    expect(await page.locator("body").textContent()).toContain("Your approval was recorded. Waiting for more signatures.");
    expect(await page.locator("#status").textContent()).toBe("PENDING");
    expect(await page.locator("body").textContent()).toContain("alice: approve — “rolling back, looks like the 14:02 deploy”");

    // Bob's link opened (a chat preview or a curious look) — GET only.
    const bobsPage = await context.newPage();
    await bobsPage.goto(bob!.url);
    expect(await bobsPage.locator("#status").textContent()).toBe("PENDING");
    await bobsPage.reload();
    const state = await approvalState(message.approval_id);
    expect(state.status).toBe("PENDING");
    expect(state.signatures.map((s) => s.approver)).toEqual(["alice"]);
    await context.close();
  });

  it("shows a refusal page, not the form, for a tampered link", async () => {
    const message = await alertToInbox("api-server-7d4b8c9f5-bbbb2");
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(message.links[0]!.url.replace(/sig=[^&]{6}/, "sig=AAAAAA"));
    expect(response?.status()).toBe(403);
    expect(await page.locator("h1").textContent()).toBe("This link is not valid");
    expect(await page.locator("form").count()).toBe(0);
    await context.close();
  });
});

describe("the status page in Chromium", () => {
  it("shows the autonomy index, pending decisions and the 7-day charts on a phone; screenshot kept as a test artifact", async () => {
    await alertToInbox("api-server-7d4b8c9f5-cccc3");
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      extraHTTPHeaders: { Authorization: `Bearer ${stack.vars.OPS_TOKEN}` },
    });
    const page = await context.newPage();
    const response = await page.goto(`${stack.baseUrl}/status`);
    expect(response?.status()).toBe(200);
    expect(await page.locator("#autonomy-index").textContent()).toMatch(/^(—|\d+(\.\d)?%)$/);
    expect(Number(await page.locator("#pending-approvals").textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.locator("svg.chart").count()).toBe(4);
    expect(await page.locator("svg.chart rect.bar").count()).toBeGreaterThanOrEqual(1);
    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/status-page.png", fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(statSync("test-results/status-page.png").size).toBeGreaterThan(10_000);
    await context.close();
  });
});
