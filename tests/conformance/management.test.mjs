// The management plane through the official @azure/arm-apimanagement SDK (issue: management plane).
import { test } from "node:test";
import assert from "node:assert/strict";
import { client, createService, fastPolling, resourceGroup, unique } from "./lib/openapim.mjs";

test("service lifecycle: create (LRO), get, list, update, name check, delete", async () => {
  const name = unique("svc");
  const created = await client.apiManagementService.beginCreateOrUpdateAndWait(resourceGroup, name, {
    location: "West Europe",
    sku: { name: "Developer", capacity: 1 },
    publisherEmail: "admin@contoso.example",
    publisherName: "Contoso",
    tags: { env: "conformance" },
  }, fastPolling);
  assert.equal(created.name, name);
  assert.equal(created.provisioningState, "Succeeded");
  assert.equal(created.sku.name, "Developer");

  const got = await client.apiManagementService.get(resourceGroup, name);
  assert.equal(got.publisherName, "Contoso");
  assert.ok(got.etag);

  const inGroup = [];
  for await (const s of client.apiManagementService.listByResourceGroup(resourceGroup)) inGroup.push(s.name);
  assert.ok(inGroup.includes(name));
  const all = [];
  for await (const s of client.apiManagementService.list()) all.push(s.name);
  assert.ok(all.includes(name));

  const updated = await client.apiManagementService.beginUpdateAndWait(resourceGroup, name, { publisherName: "Fabrikam" }, fastPolling);
  assert.equal(updated.publisherName, "Fabrikam");

  const check = await client.apiManagementService.checkNameAvailability({ name });
  assert.equal(check.nameAvailable, false);
  assert.equal(check.reason, "AlreadyExists");

  await client.apiManagementService.beginDeleteAndWait(resourceGroup, name, fastPolling);
  await assert.rejects(client.apiManagementService.get(resourceGroup, name), (e) => e.name === "RestError" && e.statusCode === 404 && e.code === "ResourceNotFound");
});

test("entities: api, operation, product, product-api, user, group membership, subscription and named value", async () => {
  const svc = await createService();
  const api = await client.api.beginCreateOrUpdateAndWait(resourceGroup, svc, "orders", {
    displayName: "Orders", path: "orders", serviceUrl: "https://backend.example/orders", protocols: ["https"],
  }, fastPolling);
  assert.equal(api.path, "orders");
  assert.equal(api.subscriptionKeyParameterNames.header, "Ocp-Apim-Subscription-Key");

  const op = await client.apiOperation.createOrUpdate(resourceGroup, svc, "orders", "get-order", {
    displayName: "Get order", method: "GET", urlTemplate: "/orders/{id}",
    templateParameters: [{ name: "id", type: "string", required: true }],
  });
  assert.equal(op.urlTemplate, "/orders/{id}");
  const ops = [];
  for await (const o of client.apiOperation.listByApi(resourceGroup, svc, "orders")) ops.push(o.name);
  assert.deepEqual(ops, ["get-order"]);

  const product = await client.product.createOrUpdate(resourceGroup, svc, "gold", { displayName: "Gold", state: "published", subscriptionRequired: true });
  assert.equal(product.state, "published");
  const linked = await client.productApi.createOrUpdate(resourceGroup, svc, "gold", "orders");
  assert.equal(linked.name, "orders");
  const productApis = [];
  for await (const a of client.productApi.listByProduct(resourceGroup, svc, "gold")) productApis.push(a.name);
  assert.deepEqual(productApis, ["orders"]);

  const user = await client.user.createOrUpdate(resourceGroup, svc, "ada", { email: "ada@example.com", firstName: "Ada", lastName: "Lovelace", password: "Sup3r-secret!" });
  assert.equal(user.email, "ada@example.com");
  assert.equal(user.password, undefined);
  await client.group.createOrUpdate(resourceGroup, svc, "partners", { displayName: "Partners" });
  await client.groupUser.create(resourceGroup, svc, "partners", "ada");
  const members = [];
  for await (const u of client.groupUser.list(resourceGroup, svc, "partners")) members.push(u.name);
  assert.deepEqual(members, ["ada"]);

  const sub = await client.subscription.createOrUpdate(resourceGroup, svc, "ada-gold", {
    displayName: "Ada's gold", scope: "/products/gold", ownerId: "/users/ada", state: "active",
  });
  assert.equal(sub.state, "active");
  assert.equal(sub.primaryKey, undefined);
  const keys = await client.subscription.listSecrets(resourceGroup, svc, "ada-gold");
  assert.match(keys.primaryKey, /^[0-9a-f]{32}$/);
  assert.notEqual(keys.primaryKey, keys.secondaryKey);

  const nv = await client.namedValue.beginCreateOrUpdateAndWait(resourceGroup, svc, "backend-key", { displayName: "backend-key", value: "s3cret", secret: true }, fastPolling);
  assert.equal(nv.secret, true);
  assert.equal(nv.value, undefined);
  const value = await client.namedValue.listValue(resourceGroup, svc, "backend-key");
  assert.equal(value.value, "s3cret");

  const fetched = await client.subscription.get(resourceGroup, svc, "ada-gold");
  const updated = await client.subscription.update(resourceGroup, svc, "ada-gold", fetched.eTag, { state: "suspended" });
  assert.equal(updated.state, "suspended");
  await assert.rejects(
    client.subscription.update(resourceGroup, svc, "ada-gold", fetched.eTag, { state: "active" }),
    (e) => e.name === "RestError" && e.statusCode === 412 && e.code === "PreconditionFailed");
});

test("bad requests surface as RestError with the ARM code", async () => {
  await assert.rejects(
    client.apiManagementService.beginCreateOrUpdateAndWait(resourceGroup, "1-not-valid", {
      location: "West Europe", sku: { name: "Developer", capacity: 1 }, publisherEmail: "a@b.c", publisherName: "x",
    }, fastPolling),
    (e) => e.name === "RestError" && e.statusCode === 400 && e.code === "ValidationError");

  const svc = await createService();
  await assert.rejects(
    client.subscription.createOrUpdate(resourceGroup, svc, "s1", { displayName: "s", scope: "/products/missing" }),
    (e) => e.name === "RestError" && e.statusCode === 400 && e.code === "ValidationError" && /products\/missing/.test(e.message));
  await assert.rejects(
    client.apiOperation.createOrUpdate(resourceGroup, svc, "no-such-api", "op", { displayName: "x", method: "GET", urlTemplate: "/" }),
    (e) => e.name === "RestError" && e.statusCode === 404 && e.code === "ParentResourceNotFound");
  await assert.rejects(client.api.get(resourceGroup, svc, "nope"), (e) => e.name === "RestError" && e.code === "ResourceNotFound");
});
