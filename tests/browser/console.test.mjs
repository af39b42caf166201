// The operator console in a real browser: Debian's Chromium driven by playwright-core against a running OpenApim
// (scripts/test.sh starts it and sets OPENAPIM_ENDPOINTS). Users, roles and services are set up through the ARM API
// with the bootstrap credential; everything else happens by clicking, as a person would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

const endpoints = JSON.parse(readFileSync(process.env.OPENAPIM_ENDPOINTS, "utf8"));
const admin = JSON.parse(readFileSync(endpoints.bootstrapUserPath, "utf8"));
const bootstrap = JSON.parse(readFileSync(endpoints.bootstrapCredentialsPath, "utf8"));
const screenshots = process.env.OPENAPIM_SCREENSHOTS;
const subscription = "00000000-0000-0000-0000-000000000001";
const group = "console";
const service = (name, rg = group) => `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.ApiManagement/service/${name}`;
const devKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const readerPassword = "reader-" + randomUUID();
const norolePassword = "norole-" + randomUUID();
let browser, backend, token;

async function arm(method, path, body, version = "2024-05-01") {
  const separator = path.includes("?") ? "&" : "?";
  const response = await fetch(`${endpoints.managementUrl}${path}${separator}api-version=${version}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(method === "DELETE" ? { "if-match": "*" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function until(what, check, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function signIn(page, userName, password) {
  await page.goto(endpoints.consoleUrl);
  await page.fill("#username", userName);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForLoadState("load");
}

/** Connects the session to the embedded account's backups container (the key goes into the session's encrypted cookie). */
async function connectStorage(page) {
  await page.click("nav >> text=Backups");
  if (await page.isVisible("#accessKey")) {
    await page.fill("#accessKey", devKey);
    await page.click("#connect-button");
  }
  await page.waitForSelector("#container-h");
}

async function shot(page, name) {
  if (screenshots) {
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: `${screenshots}/${name}.png`, fullPage: true });
  }
}

async function newPage() {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 900 } });
  return context.newPage();
}

before(async () => {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: bootstrap.clientId, client_secret: bootstrap.clientSecret, scope: `${endpoints.managementUrl}/.default` });
  token = (await (await fetch(endpoints.tokenUrl, { method: "POST", body: form })).json()).access_token;
  assert.ok(token, "a token for the bootstrap credential");

  // A backend the smoke requests reach: it answers every request 200.
  backend = createServer((req, res) => { res.setHeader("content-type", "application/json"); res.end(JSON.stringify({ path: req.url })); });
  await new Promise((r) => backend.listen(0, "127.0.0.1", r));
  const backendUrl = `http://127.0.0.1:${backend.address().port}`;

  for (const name of ["primary", "spare"]) {
    const created = await arm("PUT", service(name), { location: "West Europe", sku: { name: "Developer", capacity: 1 }, properties: { publisherEmail: "ops@contoso.example", publisherName: "Contoso" } });
    assert.ok([200, 201, 202].includes(created.status), JSON.stringify(created.body));
  }
  await until("the services to be provisioned", async () => (await arm("GET", service("spare"))).body?.properties?.provisioningState === "Succeeded");
  // The default Echo API's backend is on the internet: the smoke requests go to the local backend instead.
  await arm("DELETE", `${service("primary")}/apis/echo-api`);
  assert.ok([200, 201].includes((await arm("PUT", `${service("primary")}/apis/orders`, { properties: { displayName: "Orders", path: "orders", serviceUrl: backendUrl, protocols: ["http", "https"] } })).status));
  assert.ok([200, 201].includes((await arm("PUT", `${service("primary")}/apis/orders/operations/get-order`, { properties: { displayName: "Get order", method: "GET", urlTemplate: "/orders/{id}", templateParameters: [{ name: "id", type: "string", required: true }] } })).status));
  for (let i = 0; i < 60; i++) {
    await arm("PUT", `${service("primary")}/subscriptions/customer${String(i).padStart(2, "0")}`, { properties: { displayName: `Customer ${i}`, scope: "/apis", state: "active" } });
  }

  // A Reader of the subscription, and a user with no role at all.
  for (const [name, password] of [["reader", readerPassword], ["norole", norolePassword]]) {
    const user = await arm("PUT", `/providers/OpenApim.Identity/users/${name}`, { properties: { displayName: name, password } }, "2026-01-01");
    assert.ok([200, 201].includes(user.status), JSON.stringify(user.body));
    assert.equal(user.body.properties.password, undefined, "the password is never returned");
    if (name === "reader") {
      const assigned = await arm("PUT", `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`,
        { properties: { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", principalId: user.body.properties.objectId, principalType: "User" } }, "2022-04-01");
      assert.ok([200, 201].includes(assigned.status), JSON.stringify(assigned.body));
    }
  }

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  backend?.close();
});

test("signed out, the console URL leads to a sign-in page with a user name, a password and a submit button", async () => {
  const page = await newPage();
  const response = await page.goto(endpoints.consoleUrl);
  assert.ok(page.url().includes("/oauth2/v2.0/authorize"), page.url());
  assert.ok(await page.isVisible("input#username"));
  assert.equal(await page.getAttribute("input#password", "type"), "password");
  assert.ok(await page.isVisible("button[type=submit]"));
  const headers = response.headers();
  assert.match(headers["content-security-policy"], /default-src 'none'/);
  assert.match(headers["content-security-policy"], /frame-ancestors 'none'/);
  assert.equal(headers["x-frame-options"], "DENY");
  await shot(page, "sign-in");
  await page.context().close();
});

test("a wrong password is refused on the sign-in page, and so is a user without a role", async () => {
  const page = await newPage();
  await signIn(page, admin.userName, admin.password + "x");
  assert.ok(page.url().includes("/oauth2/v2.0/authorize"));
  assert.match(await page.textContent("#signin-error"), /user name or password is not right/);
  assert.equal((await page.context().cookies()).some((c) => c.name === "__Host-openapim-console"), false, "no session");

  await signIn(page, "norole", norolePassword);
  assert.match(await page.textContent("#signin-error"), /holds no role/);
  assert.equal((await page.context().cookies()).some((c) => c.name === "__Host-openapim-console"), false, "no session");
  await page.context().close();
});

test("the administrator signs in and the overview lists every service by name", async () => {
  const page = await newPage();
  await signIn(page, admin.userName, admin.password);
  await page.waitForSelector("#services");
  assert.equal(new URL(page.url()).pathname, "/console");
  // A service created from the overview's form, through ARM with the user's token.
  await page.click("#create-service summary");
  await page.fill("#new-group", group);
  await page.fill("#new-name", "made-in-console");
  await page.click("#create-service-button");
  await page.waitForURL(/\/services\/.*\/made-in-console$/);
  assert.equal((await arm("GET", service("made-in-console"))).status, 200);
  await page.goto(endpoints.consoleUrl);
  await page.waitForSelector("#services");
  const names = await page.$$eval("#services tbody tr", (rows) => rows.map((r) => r.getAttribute("data-service")));
  const listed = (await arm("GET", `/subscriptions/${subscription}/providers/Microsoft.ApiManagement/service`)).body.value.map((s) => s.name);
  for (const name of listed) assert.ok(names.includes(name), `${name} is on the overview (${names})`);
  assert.equal(await page.textContent("#signed-in-user"), admin.userName);
  const cookie = (await page.context().cookies()).find((c) => c.name === "__Host-openapim-console");
  assert.ok(cookie.httpOnly && cookie.secure && cookie.sameSite === "Strict", JSON.stringify(cookie));
  await shot(page, "overview");
  await page.context().close();
});

test("back up a service from the console and watch its progress reach done; the catalog then lists it", async () => {
  const page = await newPage();
  await signIn(page, admin.userName, admin.password);
  await connectStorage(page);

  await page.goto(`${endpoints.consoleUrl}/services/${subscription}/${group}/primary`);
  await page.waitForSelector("#subscriptions");
  // The subscriptions are paged (60 of them, 25 to a page) and searchable.
  assert.ok(await page.isVisible("#next-page"));
  await page.fill("#q", "Customer 42");
  await page.click("form[role=search] button");
  await page.waitForSelector("#subscriptions");
  assert.deepEqual(await page.$$eval("#subscriptions tbody tr td:first-child", (cells) => cells.map((c) => c.textContent)), ["customer42"]);
  await shot(page, "service");
  // A hand-edited page number is not an error.
  assert.equal((await page.goto(`${endpoints.consoleUrl}/services/${subscription}/${group}/primary?page=abc`)).status(), 200);
  assert.equal((await page.goto(`${endpoints.consoleUrl}/services/${subscription}/${group}/primary?page=99999999999`)).status(), 200);

  await page.fill("#backupName", "console-primary.apimbackup");
  await page.click("#backup-button");
  await page.waitForURL(/\/console\/operations\//);
  // Live: the status element follows the operation over server-sent events until it ends, then the page shows its summary.
  await page.waitForSelector("#summary", { timeout: 60000 });
  assert.equal(await page.textContent("#operation-status"), "Succeeded");
  assert.match(await page.textContent("#summary"), /console-primary\.apimbackup/);
  await shot(page, "backup-done");

  await page.click("nav >> text=Backups");
  await page.waitForSelector("#archives");
  assert.ok(await page.isVisible('tr[data-backup="console-primary.apimbackup"]'));
  await page.click('tr[data-backup="console-primary.apimbackup"] >> text=Verify');
  await page.waitForSelector("#archives");
  assert.match(await page.textContent('tr[data-backup="console-primary.apimbackup"]'), /passed/);
  await shot(page, "backups");
  await page.context().close();
});

test("preview a restore into a standby as a diff, then run it: the standby then holds the primary's subscriptions", async () => {
  const page = await newPage();
  await signIn(page, admin.userName, admin.password);
  await connectStorage(page);
  await page.waitForSelector("#archives");
  const row = 'tr[data-backup="console-primary.apimbackup"]';
  await page.selectOption(`${row} select[name=target]`, service("spare"));
  await page.click(`${row} button[value=preview]`);
  await page.waitForSelector("#preview", { timeout: 60000 });
  const [created] = await page.$$eval('#preview tr:has(th:text-is("subscriptions")) td', (cells) => cells.map((c) => Number(c.textContent)));
  assert.ok(created >= 60, `the preview counts the 60 customer subscriptions the restore would create (${created})`);
  // Drill down: the entities the restore would create, by name.
  await page.click('#preview details:has(summary:text-is("Entities of subscriptions")) summary');
  assert.match(await page.textContent('#preview details:has(summary:text-is("Entities of subscriptions"))'), /subscriptions\/customer07/);
  assert.equal((await arm("GET", `${service("spare")}/subscriptions/customer07`)).status, 404, "a preview changes nothing");
  await shot(page, "restore-preview");

  await page.click("#run-restore");
  await page.waitForURL(/\/console\/operations\//);
  await until("the restore to end", async () => (await page.textContent("#operation-status")) === "Succeeded");
  assert.equal((await arm("GET", `${service("spare")}/subscriptions/customer07`)).status, 200);
  await page.context().close();
});

test("run a drill from the console, watch it, and see its report with RPO and RTO", async () => {
  const page = await newPage();
  await signIn(page, admin.userName, admin.password);
  await connectStorage(page);
  await page.click("nav >> text=Drills");
  await page.selectOption("#primary", service("primary"));
  await page.fill("#standbyGroup", "console-dr");
  await page.fill("#standbyName", "primary-dr");
  await page.click("#run-drill");
  await page.waitForURL(/\/console\/drills\/[0-9a-f]+$/);
  await page.waitForSelector("#drill-report", { timeout: 180000 });
  assert.equal(await page.textContent("#drill-verdict"), "passed", await page.textContent("#drill-report"));
  assert.match(await page.textContent("#drill-rpo"), /\d+(\.\d+)? s/);
  assert.match(await page.textContent("#drill-rto"), /\d+(\.\d+)? s/);
  assert.match(await page.textContent("#drill-smoke"), /both answered 200/);
  assert.equal((await arm("GET", service("primary-dr", "console-dr"))).status, 200, "the drill created the standby");
  await shot(page, "drill-report");

  await page.click("text=Drills");
  await page.waitForSelector("#drills");
  assert.ok(await page.isVisible("svg.chart"));
  await shot(page, "drills");

  // The overview now shows the primary's last backup, verified by the drill, and its last drill.
  await page.click("nav >> text=Overview");
  await page.waitForSelector("#services");
  const primaryRow = await page.textContent('tr[data-service="primary"]');
  assert.match(primaryRow, /on target/);
  assert.match(primaryRow, /verified/);
  assert.match(primaryRow, /passed/);
  await shot(page, "overview-after-drill");
  await page.context().close();
});

test("a Reader sees the services but cannot press restore, back up or run a drill", async () => {
  const page = await newPage();
  await signIn(page, "reader", readerPassword);
  await page.waitForSelector("#services");
  assert.equal(await page.textContent("#signed-in-user"), "reader");
  await connectStorage(page);
  await page.waitForSelector("#archives");
  assert.ok(await page.isVisible("#restore-not-allowed"));
  const restore = page.locator('tr[data-backup="console-primary.apimbackup"] button[value=restore]');
  assert.equal(await restore.isDisabled(), true);
  await page.goto(`${endpoints.consoleUrl}/services/${subscription}/${group}/primary`);
  assert.equal(await page.locator("#backup-button").isDisabled(), true);

  // A drill needs the backup of the primary and the restore of the standby: refused before it starts, and nothing recorded.
  await page.click("nav >> text=Drills");
  const drillsBefore = await page.locator("#drills tbody tr").count();
  await page.selectOption("#primary", service("primary"));
  await page.fill("#standbyGroup", group);
  await page.fill("#standbyName", "spare");
  await page.click("#run-drill");
  await page.waitForSelector("#flash");
  assert.match(await page.textContent("#flash"), /AuthorizationFailed/);
  assert.equal(await page.locator("#drills tbody tr").count(), drillsBefore);

  // The button is only a hint: the same form posted anyway is refused by ARM with the user's own token.
  const response = await page.evaluate(async (target) => {
    const form = new FormData();
    form.set("__RequestVerificationToken", document.querySelector("input[name=__RequestVerificationToken]").value);
    form.set("target", target);
    form.set("backupName", "console-primary.apimbackup");
    form.set("mode", "restore");
    const answer = await fetch("/console/actions/restore", { method: "POST", body: new URLSearchParams(form), redirect: "follow" });
    return { url: answer.url, text: await answer.text() };
  }, service("spare"));
  assert.match(response.text, /AuthorizationFailed/);
  await shot(page, "reader-backups");
  await page.context().close();
});

test("signing out ends the session and forgets the storage key: the next sign-in starts without them", async () => {
  const page = await newPage();
  await signIn(page, admin.userName, admin.password);
  await connectStorage(page);
  await page.click("text=Sign out");
  await page.waitForLoadState("load");
  assert.match(await page.textContent("body"), /signed out/i);
  await page.goto(endpoints.consoleUrl);
  assert.ok(page.url().includes("/oauth2/v2.0/authorize"), page.url());

  // The next person on this browser signs in to a console that does not hold the previous user's storage key.
  await signIn(page, "reader", readerPassword);
  await page.click("nav >> text=Backups");
  assert.ok(await page.isVisible("#accessKey"), "the storage connection was forgotten");
  await page.context().close();
});

test("a form posted from another site is refused (no antiforgery token), and the console cannot be framed", async () => {
  const page = await newPage();
  await signIn(page, admin.userName, admin.password);
  await page.waitForSelector("#services");
  const status = await page.evaluate(async () => (await fetch("/console/actions/backup", { method: "POST", body: new URLSearchParams({ service: "x" }) })).status);
  assert.equal(status, 400);
  const response = await page.goto(endpoints.consoleUrl);
  assert.equal(response.headers()["x-frame-options"], "DENY");
  assert.match(response.headers()["content-security-policy"], /script-src 'self'/);
  await page.context().close();
});

test("every page passes axe's WCAG 2.1 A and AA rules: labels, names, contrast, landmarks, keyboard focus order", async () => {
  const page = await newPage();
  const audit = async (what) => {
    await page.waitForLoadState("load");
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
    assert.deepEqual(found, [], `${what}: ${page.url()}`);
    assert.ok(result.passes.length >= 10, `${what}: axe checked ${result.passes.length} rules`);
  };
  // The audit can fail: an unlabeled field and grey-on-white text are found.
  await page.setContent('<html lang="en"><title>t</title><main><input type="text"><p style="color:#bbb">faint</p></main></html>');
  const control = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  assert.deepEqual(control.violations.map((v) => v.id).sort(), ["color-contrast", "label"]);
  await page.goto(endpoints.consoleUrl);
  await audit("the sign-in page");
  await signIn(page, admin.userName, admin.password);
  await page.waitForSelector("#services");
  await audit("the overview");
  await page.goto(`${endpoints.consoleUrl}/services/${subscription}/${group}/primary`);
  await audit("a service");
  await page.click("table >> a[href*='/console/operations/']");
  await audit("an operation");
  await connectStorage(page);
  await audit("the backups");
  await page.click("nav >> text=Drills");
  await audit("the drills");
  await page.click("a[href*='/console/drills/']");
  await audit("a drill report");
  await page.context().close();
});

test("the console works from the keyboard alone: sign in, skip to the content, reach Backups, with the focus always visible", async () => {
  const page = await newPage();
  await page.goto(endpoints.consoleUrl);
  // The user name field takes the focus when the page opens (autofocus is applied after load: wait for it).
  await page.waitForFunction(() => document.activeElement?.id === "username");
  await page.keyboard.type(admin.userName);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "password");
  await page.keyboard.type(admin.password);
  assert.equal(await page.inputValue("#username"), admin.userName);
  assert.equal((await page.inputValue("#password")).length, admin.password.length);
  await Promise.all([page.waitForURL((url) => new URL(url).pathname === "/console"), page.keyboard.press("Enter")]);
  await page.waitForSelector("#services");
  const focused = () => page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), outline: getComputedStyle(document.activeElement).outlineStyle }));
  let seen = [];
  for (let i = 0; i < 20 && seen.at(-1)?.text !== "Backups"; i++) {
    await page.keyboard.press("Tab");
    seen.push(await focused());
  }
  assert.equal(seen.at(-1)?.text, "Backups", JSON.stringify(seen));
  assert.ok(seen.every((f) => f.outline !== "none"), `every focused element shows an outline: ${JSON.stringify(seen)}`);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/console\/backups/);
  await page.context().close();
});
