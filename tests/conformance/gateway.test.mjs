// The DR promise end to end through the official SDK: after a restore, the standby's gateway answers
// the same request with the same subscription key (issue: gateway).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { client, createService, endpoints, fastPolling, resourceGroup, unique } from "./lib/openapim.mjs";
import { newContainer, storage } from "./lib/storage.mjs";

// A real backend: echoes the path and the headers it received.
const backend = http.createServer((req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ path: req.url, headers: req.headers }));
});
await new Promise((resolve) => backend.listen(0, "127.0.0.1", resolve));
const backendUrl = `http://127.0.0.1:${backend.address().port}`;
after(() => backend.close());

/** GET through the gateway with a Host header (fetch cannot set one). */
function callGateway(host, path, key) {
  const gateway = new URL(endpoints.gatewayUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: gateway.hostname, port: gateway.port, path, headers: { host, "ocp-apim-subscription-key": key } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d)).on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", reject).end();
  });
}

/** The gateway reloads configuration within a second of a change; wait for the expected status. */
async function eventually(host, path, key, status) {
  let last;
  for (let i = 0; i < 100; i++) {
    last = await callGateway(host, path, key);
    if (last.status === status) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`gateway answered ${last.status} ${last.body}, expected ${status}`);
}

const host = (svc) => endpoints.gatewayHostPattern.replace("{service}", svc);

test("after a restore the standby's gateway serves the same API with the same key", async () => {
  const primary = await createService(unique("gwa"));
  const standby = await createService(unique("gwb"));
  await client.api.beginCreateOrUpdateAndWait(resourceGroup, primary, "orders", { displayName: "Orders", path: "orders", serviceUrl: `${backendUrl}/orders-backend`, protocols: ["http", "https"] }, fastPolling);
  await client.apiOperation.createOrUpdate(resourceGroup, primary, "orders", "get", { displayName: "get", method: "GET", urlTemplate: "/{id}", templateParameters: [{ name: "id", type: "string", required: true }] });
  await client.apiPolicy.createOrUpdate(resourceGroup, primary, "orders", "policy", {
    value: "<policies><inbound><base /><set-header name=\"x-dr\" exists-action=\"override\"><value>restored</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
  });
  await client.product.createOrUpdate(resourceGroup, primary, "partners", { displayName: "Partners", state: "published", subscriptionRequired: true });
  await client.productApi.createOrUpdate(resourceGroup, primary, "partners", "orders");
  await client.subscription.createOrUpdate(resourceGroup, primary, "acme", { displayName: "acme", scope: "/products/partners", state: "active" });
  const { primaryKey } = await client.subscription.listSecrets(resourceGroup, primary, "acme");

  const before = await eventually(host(primary), "/orders/42", primaryKey, 200);
  assert.equal(JSON.parse(before.body).path, "/orders-backend/42");
  assert.equal((await callGateway(host(primary), "/orders/42", "not-a-key")).status, 401);
  assert.equal((await callGateway(host(standby), "/orders/42", primaryKey)).status, 404);

  const container = await newContainer();
  await client.apiManagementService.beginBackupAndWait(resourceGroup, primary, storage(container, "gw.apimbackup"), fastPolling);
  await client.apiManagementService.beginRestoreAndWait(resourceGroup, standby, storage(container, "gw.apimbackup"), fastPolling);

  const afterRestore = await eventually(host(standby), "/orders/42", primaryKey, 200);
  const echo = JSON.parse(afterRestore.body);
  assert.equal(echo.path, "/orders-backend/42");
  assert.equal(echo.headers["x-dr"], "restored");
  assert.equal((await callGateway(host(standby), "/orders/42", "not-a-key")).status, 401);
});
