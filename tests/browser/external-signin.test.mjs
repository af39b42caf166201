// Sign-in through the company's identity provider: node-oidc-provider (a certified OpenID Provider nobody here wrote)
// plays the IdP, and an OpenApim that trusts it is started here, so the console can be registered at the IdP with its
// real redirect URI. A person signs in by clicking through the IdP's own login and consent pages, in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, mkdirSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Provider from "oidc-provider";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const serverDll = process.env.OPENAPIM_SERVER_DLL ?? resolve(here, "../../src/OpenApim.Server/bin/Debug/net10.0/OpenApim.Server.dll");
// The suite's server's certificate (NODE_EXTRA_CA_CERTS trusts it), reused by the server started here.
const suite = JSON.parse(readFileSync(process.env.OPENAPIM_ENDPOINTS, "utf8"));
const certificate = suite.certificatePath;
const certificateKey = join(dirname(certificate), "openapim-dev-key.pem");
const subscription = "00000000-0000-0000-0000-000000000001";
const audience = "https://openapim.contoso.example/management";
const clientId = "openapim-console";
const clientSecret = "console-secret-" + randomUUID();
// The company directory's people by object id (their login at the IdP's development login page, and their 'sub').
const people = { [randomUUID()]: "alice", [randomUUID()]: "mallory" };
const reader = Object.keys(people)[0];
const roleless = Object.keys(people)[1];
let idp, otherIdp, server, serverLog = "", endpoints, browser, token, dataDir;

function listen(httpServer) {
  return new Promise((done) => httpServer.listen(0, "127.0.0.1", () => done(httpServer.address().port)));
}

async function arm(method, path, body, version = "2024-05-01") {
  const separator = path.includes("?") ? "&" : "?";
  const response = await fetch(`${endpoints.managementUrl}${path}${separator}api-version=${version}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The console's answer to a request without following redirects, as text. */
async function raw(path, headers = {}) {
  const response = await fetch(`${endpoints.managementUrl}${path}`, { redirect: "manual", headers });
  return { status: response.status, location: response.headers.get("location"), text: await response.text(), headers: response.headers };
}

async function shot(page, name) {
  if (process.env.OPENAPIM_SCREENSHOTS) {
    mkdirSync(process.env.OPENAPIM_SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${process.env.OPENAPIM_SCREENSHOTS}/${name}.png`, fullPage: true });
  }
}

async function newPage() {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 900 } });
  return context.newPage();
}

/** Opens the console, takes the company button and signs in on the IdP's own pages. */
async function signInThroughIdp(page, login, through = idp) {
  await page.goto(endpoints.consoleUrl);
  await shot(page, "sign-in-external");
  await page.click(`a.idp >> text=Sign in with ${through.name}`);
  await page.waitForSelector("input[name=login]");
  assert.ok(page.url().startsWith(through.issuer), `the browser is at the IdP (${page.url()})`);
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", "any password: the IdP's development login accepts every one");
  await page.click("button[type=submit]");
  // node-oidc-provider asks for consent in every new browser session.
  await page.click("button[type=submit] >> text=Continue");
  await page.waitForURL((url) => url.href.startsWith(endpoints.managementUrl));
  await page.waitForLoadState("load");
}

/** node-oidc-provider for the console's client, issuing JWT access tokens for `tokenAudience` (the resource the console names). */
function configureIdp(issuer, index, tokenAudience) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${endpoints.managementUrl}/console/signin/external-callback/${index}`],
      post_logout_redirect_uris: [`${endpoints.managementUrl}/console/signed-out`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    }],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "key-1", alg: "RS256", use: "sig" }] },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, name: `${people[id] ?? id} of Contoso`, preferred_username: `${people[id] ?? id}@contoso.example`, email: `${people[id] ?? id}@contoso.example` }),
    }),
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email"] },
    // The access token is a JWT, for the audience of the resource indicator the console sends.
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== audience) throw new Provider.errors.InvalidTarget();
          return { scope: "user_impersonation", audience: tokenAudience, accessTokenFormat: "jwt", jwt: { sign: { alg: "RS256" } } };
        },
      },
    },
    pkce: { required: () => true },
  });
  provider.on("server_error", (_ctx, e) => { serverLog += `\n[idp] ${e.stack}`; });
  return provider.callback();
}

before(async () => {
  // The IdPs listen first, so the server can be told their addresses; they are configured once the console's address is known.
  const handlers = {};
  const start = async (name) => {
    const httpServer = createServer((req, res) => (handlers[name] ?? ((_q, a) => { a.statusCode = 503; a.end(); }))(req, res));
    return { name, issuer: `http://127.0.0.1:${await listen(httpServer)}`, server: httpServer };
  };
  idp = await start("Contoso");
  // Fabrikam's IdP is trusted too, but it issues access tokens for another API: the console must refuse them at sign-in.
  otherIdp = await start("Fabrikam");

  dataDir = mkdtempSync(join(tmpdir(), "openapim-external-signin-"));
  const issuers = [idp, otherIdp].map((i) => ({ authority: i.issuer, audience, signIn: { clientId, clientSecret, displayName: i.name, scope: "openid profile email", resource: audience } }));
  server = spawn("dotnet", [serverDll, "--data-dir", dataDir, "--management-port", "0", "--gateway-port", "0", "--tls-certificate", certificate, "--tls-key", certificateKey], {
    env: { ...process.env, OPENAPIM_TRUSTED_ISSUERS: JSON.stringify(issuers) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout.on("data", (d) => { serverLog += d; });
  server.stderr.on("data", (d) => { serverLog += d; });
  const deadline = Date.now() + 60000;
  while (!serverLog.includes("OpenApim ready")) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the server did not start:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  endpoints = JSON.parse(readFileSync(join(dataDir, "endpoints.json"), "utf8"));
  handlers.Contoso = configureIdp(idp.issuer, 0, audience);
  handlers.Fabrikam = configureIdp(otherIdp.issuer, 1, "https://api.fabrikam.example/");

  const bootstrap = JSON.parse(readFileSync(endpoints.bootstrapCredentialsPath, "utf8"));
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: bootstrap.clientId, client_secret: bootstrap.clientSecret, scope: `${endpoints.managementUrl}/.default` });
  token = (await (await fetch(endpoints.tokenUrl, { method: "POST", body: form })).json()).access_token;
  assert.ok(token, "a token for the bootstrap credential");

  // Alice of the company directory is a Reader of the subscription; Mallory holds no role.
  const assigned = await arm("PUT", `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`, {
    properties: { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", principalId: reader, principalType: "User" },
  }, "2022-04-01");
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body));
  const created = await arm("PUT", `/subscriptions/${subscription}/resourceGroups/contoso/providers/Microsoft.ApiManagement/service/contoso-apim`, {
    location: "westeurope", sku: { name: "Developer", capacity: 1 }, properties: { publisherEmail: "ops@contoso.example", publisherName: "Contoso" },
  });
  assert.ok([200, 201, 202].includes(created.status), JSON.stringify(created.body));

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  server?.kill();
  idp?.server.close();
  otherIdp?.server.close();
  if (dataDir && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
});

test("a person of the company IdP signs in through it and acts with its own token and rights", async () => {
  const page = await newPage();
  await signInThroughIdp(page, reader);
  await page.waitForSelector("text=contoso-apim");
  assert.equal(new URL(page.url()).pathname, "/console");
  assert.equal(await page.textContent("#signed-in-user"), "alice@contoso.example");

  // The session acts with the IdP's access token: the server's own ARM accepts it as alice's, a Reader.
  const cookies = await page.context().cookies(endpoints.managementUrl);
  const session = cookies.find((c) => c.name === "__Host-openapim-console");
  assert.ok(session && session.httpOnly && session.secure && session.sameSite === "Strict", JSON.stringify(cookies.map((c) => c.name)));
  await page.goto(`${endpoints.consoleUrl}/services/${subscription}/contoso/contoso-apim`);
  await page.waitForSelector("#backup-button");
  assert.equal(await page.locator("#backup-button").isDisabled(), true, "a Reader cannot press back up");

  // Signing out ends the console session and offers to end the IdP's too.
  await page.click("header button:has-text('Sign out')");
  await page.waitForSelector("text=Sign out of Contoso too");
  const link = await page.getAttribute("a >> text=Sign out of Contoso too", "href");
  assert.ok(link.startsWith(`${idp.issuer}/`), link);
  assert.ok(!link.includes("id_token_hint"), "no token on the page");
  await page.goto(endpoints.consoleUrl);
  await page.waitForSelector("#username");
});

test("a person who holds no role is refused at sign-in and told the principal id to assign", async () => {
  const page = await newPage();
  await signInThroughIdp(page, roleless);
  await page.waitForSelector("text=Sign-in failed");
  const text = await page.textContent("main");
  assert.match(text, /holds no role/);
  assert.match(text, new RegExp(`principal id ${roleless}`));
  const cookies = await page.context().cookies(endpoints.managementUrl);
  assert.ok(!cookies.some((c) => c.name === "__Host-openapim-console"), "no session");
});

test("an IdP whose access tokens the management API would refuse signs nobody in", async () => {
  const page = await newPage();
  await signInThroughIdp(page, reader, otherIdp);
  await page.waitForSelector("text=Sign-in failed");
  assert.match(await page.textContent("main"), /Fabrikam issued an access token the management API does not accept/);
  assert.ok(!(await page.context().cookies(endpoints.managementUrl)).some((c) => c.name === "__Host-openapim-console"), "no session");
});

test("the callback accepts only the answer to the flow this browser started, from the issuer it went to, and says nothing else", async () => {
  const callback = (index, query) => `/console/signin/external-callback/${index}?${new URLSearchParams(query)}`;
  // No flow: a forged or replayed answer.
  let r = await raw(callback(0, { code: "a".repeat(40), state: "forged", iss: idp.issuer }));
  assert.equal(r.status, 400);
  assert.match(r.text, /could not be matched/);
  assert.ok(!(r.headers.get("set-cookie") ?? "").includes("__Host-openapim-console="));

  // An error from the IdP names only a well-formed code, never the link's description.
  r = await raw(callback(0, { error: "access_denied", error_description: "<script>alert(1)</script> call +1 555", state: "x" }));
  assert.equal(r.status, 400);
  assert.match(r.text, /\(access_denied\)/);
  assert.ok(!r.text.includes("555") && !r.text.includes("<script>"), r.text);
  r = await raw(callback(0, { error: "Call <b>us</b>" }));
  assert.ok(!r.text.includes("<b>us</b>") && !r.text.includes("Call"), r.text);

  // Unknown providers, to start and to answer.
  for (const index of ["7", "abc", "-1", "0x0", "00", "+0", "0%2F1", "%D9%A0", "%EF%BC%90"]) {
    r = await raw(`/console/signin/external/${index}`);
    assert.equal(r.status, 404, `${index}: ${r.status}`);
    r = await raw(`/console/signin/external-callback/${index}?state=x&code=y`);
    assert.equal(r.status, 400, `callback ${index}: ${r.status}`);
  }

  // A start sends the browser to the IdP with PKCE, a nonce, the resource and the console's callback for that IdP.
  r = await raw("/console/signin/external/0?returnUrl=https://evil.example/");
  assert.equal(r.status, 302);
  const authorize = new URL(r.location);
  assert.equal(authorize.origin, idp.issuer);
  assert.equal(authorize.searchParams.get("client_id"), clientId);
  assert.equal(authorize.searchParams.get("redirect_uri"), `${endpoints.managementUrl}/console/signin/external-callback/0`);
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
  assert.ok(authorize.searchParams.get("nonce")?.length >= 20);
  assert.equal(authorize.searchParams.get("resource"), audience);
  assert.ok(!r.location.includes(clientSecret), "the secret never goes through the browser");
  const flow = { cookie: r.headers.get("set-cookie").split(";")[0] };
  const state = authorize.searchParams.get("state");

  // With that live flow: a wrong state is refused and leaves the flow alone (a link cannot cancel a sign-in) ...
  r = await raw(callback(0, { code: "c", state: "not-the-state", iss: idp.issuer }), flow);
  assert.equal(r.status, 400);
  assert.ok(!(r.headers.get("set-cookie") ?? "").includes("openapim-signin"), "the flow is kept");
  // ... the answer at another IdP's callback, or at the embedded issuer's, is refused (mix-up) ...
  r = await raw(callback(1, { code: "c", state, iss: otherIdp.issuer }), flow);
  assert.equal(r.status, 400);
  assert.match(r.text, /could not be matched/);
  r = await raw(`/console/signin-callback?code=x&state=${state}`, flow);
  assert.equal(r.status, 400);
  assert.match(r.text, /could not be matched/);
  // ... an answer naming another issuer, or none (this IdP names itself, RFC 9207), is refused ...
  for (const iss of [otherIdp.issuer, `${idp.issuer}/`, undefined]) {
    r = await raw(callback(0, iss === undefined ? { code: "c", state } : { code: "c", state, iss }), flow);
    assert.equal(r.status, 403, `${iss}: ${r.text}`);
    assert.match(r.text, /does not come from Contoso/);
  }
  // ... and a code the IdP never issued is refused by the IdP itself.
  r = await raw(callback(0, { code: "c".repeat(43), state, iss: idp.issuer }), flow);
  assert.equal(r.status, 403);
  assert.match(r.text, /Contoso refused to redeem the code \(invalid_grant/);
});

test("a replayed answer from the IdP does not sign in twice, and the way back never leaves the console", async () => {
  const page = await newPage();
  let callback;
  page.on("request", (request) => { if (request.url().includes("/console/signin/external-callback/")) callback ??= request.url(); });
  await page.goto(`${endpoints.consoleUrl}/signin/external/0?returnUrl=${encodeURIComponent("https://evil.example/")}`);
  await page.fill("input[name=login]", reader);
  await page.fill("input[name=password]", "x");
  await page.click("button[type=submit]");
  await page.click("button[type=submit] >> text=Continue");
  await page.waitForSelector("text=contoso-apim");
  assert.equal(page.url(), endpoints.consoleUrl);
  assert.ok(callback, "the browser came back through the callback");

  // The same answer again, in a fresh browser (no flow) and in the signed-in one (its flow is spent).
  for (const again of [await newPage(), page]) {
    await again.goto(callback);
    assert.match(await again.textContent("main"), /could not be matched/);
  }

  const secretSeen = serverLog.includes(clientSecret) || serverLog.includes("eyJ");
  assert.ok(!secretSeen, "neither the client secret nor a token appears in the server's log");
});
