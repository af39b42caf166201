// Backup and restore through the official SDK's LROs against Azurite (issue: backup and restore).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiManagementClient } from "@azure/arm-apimanagement";
import { arm, client, createService, credential, endpoints, fastPolling, resourceGroup, servicePath, subscriptionId, unique } from "./lib/openapim.mjs";
import { newContainer, download, upload, exists, storage } from "./lib/storage.mjs";

const lifetimeMs = Number(process.env.OPENAPIM_TEST_BACKUP_LIFETIME_MS ?? 8000);
const policy = "<policies><inbound><base /><set-header name=\"x-dr\" exists-action=\"override\"><value>1</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>";

async function all(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Builds a service with (almost) every entity kind; returns nothing, the names are fixed. */
async function populate(svc) {
  await client.apiVersionSet.createOrUpdate(resourceGroup, svc, "orders-versions", { displayName: "Orders", versioningScheme: "Segment" });
  await client.api.beginCreateOrUpdateAndWait(resourceGroup, svc, "orders", {
    displayName: "Orders", path: "orders", serviceUrl: "https://backend.example/orders", protocols: ["https"],
    apiVersionSetId: "/apiVersionSets/orders-versions", apiVersion: "v1",
  }, fastPolling);
  await client.apiOperation.createOrUpdate(resourceGroup, svc, "orders", "get-order", {
    displayName: "Get order", method: "GET", urlTemplate: "/orders/{id}", templateParameters: [{ name: "id", type: "string", required: true }],
  });
  await client.apiPolicy.createOrUpdate(resourceGroup, svc, "orders", "policy", { value: policy, format: "xml" });
  await client.apiOperationPolicy.createOrUpdate(resourceGroup, svc, "orders", "get-order", "policy", { value: policy, format: "xml" });
  await client.apiSchema.beginCreateOrUpdateAndWait(resourceGroup, svc, "orders", "schema1", {
    contentType: "application/vnd.oai.openapi.components+json", components: { schemas: { Order: { type: "object" } } },
  }, fastPolling);
  await client.tag.createOrUpdate(resourceGroup, svc, "public", { displayName: "Public" });
  await client.tag.assignToApi(resourceGroup, svc, "orders", "public");
  await client.product.createOrUpdate(resourceGroup, svc, "gold", { displayName: "Gold", state: "published", subscriptionRequired: true });
  await client.productApi.createOrUpdate(resourceGroup, svc, "gold", "orders");
  await client.productPolicy.createOrUpdate(resourceGroup, svc, "gold", "policy", { value: policy });
  await client.group.createOrUpdate(resourceGroup, svc, "partners", { displayName: "Partners" });
  await client.productGroup.createOrUpdate(resourceGroup, svc, "gold", "partners");
  await client.user.createOrUpdate(resourceGroup, svc, "ada", { email: "ada@example.com", firstName: "Ada", lastName: "Lovelace", password: "Sup3r-secret!" });
  await client.groupUser.create(resourceGroup, svc, "partners", "ada");
  await client.subscription.createOrUpdate(resourceGroup, svc, "ada-gold", { displayName: "Ada gold", scope: "/products/gold", ownerId: "/users/ada", state: "active" });
  await client.namedValue.beginCreateOrUpdateAndWait(resourceGroup, svc, "backend-key", { displayName: "backend-key", value: "s3cret", secret: true }, fastPolling);
  await client.namedValue.beginCreateOrUpdateAndWait(resourceGroup, svc, "region", { displayName: "region", value: "west" }, fastPolling);
  await client.backend.createOrUpdate(resourceGroup, svc, "orders-backend", { url: "https://backend.example", protocol: "http" });
  await client.logger.createOrUpdate(resourceGroup, svc, "ai", { loggerType: "applicationInsights", credentials: { instrumentationKey: "ikey" } });
  await client.diagnostic.createOrUpdate(resourceGroup, svc, "applicationinsights", { loggerId: "/loggers/ai", alwaysLog: "allErrors" });
  await client.policy.createOrUpdate(resourceGroup, svc, "policy", { value: policy });
  await client.identityProvider.createOrUpdate(resourceGroup, svc, "aad", { clientId: "idp-client", clientSecret: "idp-secret", allowedTenants: ["contoso.onmicrosoft.com"] });
  await client.authorizationServer.createOrUpdate(resourceGroup, svc, "oauth", {
    displayName: "OAuth", clientRegistrationEndpoint: "https://login.example/register", authorizationEndpoint: "https://login.example/authorize",
    grantTypes: ["authorizationCode"], clientId: "as-client", clientSecret: "as-secret",
  });
  await client.openIdConnectProvider.createOrUpdate(resourceGroup, svc, "oidc", {
    displayName: "OIDC", metadataEndpoint: "https://login.example/.well-known/openid-configuration", clientId: "oidc-client", clientSecret: "oidc-secret",
  });
  await client.signInSettings.createOrUpdate(resourceGroup, svc, { enabled: true });
  await client.emailTemplate.createOrUpdate(resourceGroup, svc, "newDeveloperNotificationMessage", { subject: "Welcome", body: "<html>hi</html>" });
}

/** What the SDK reads back, ids stripped of the service so two services compare. */
async function snapshot(svc) {
  const strip = (o) => JSON.parse(JSON.stringify(o).replaceAll(new RegExp(`/service/${svc}(?=[/"])`, "gi"), "/service/X"));
  const pick = (items) => strip(items.map(({ id, name, ...rest }) => ({ id, name, ...rest })).sort((a, b) => a.name.localeCompare(b.name)));
  return {
    apis: pick(await all(client.api.listByService(resourceGroup, svc))),
    operations: pick(await all(client.apiOperation.listByApi(resourceGroup, svc, "orders"))),
    // The SDK's XML-aware deserializer drops a JSON policy's value (as it would against Azure); read it raw.
    apiPolicy: (await arm("GET", `${servicePath(svc)}/apis/orders/policies/policy?api-version=2024-05-01`)).body.properties.value,
    schemas: pick(await all(client.apiSchema.listByApi(resourceGroup, svc, "orders"))),
    apiTags: pick(await all(client.tag.listByApi(resourceGroup, svc, "orders"))),
    products: pick(await all(client.product.listByService(resourceGroup, svc))),
    productApis: pick(await all(client.productApi.listByProduct(resourceGroup, svc, "gold"))),
    productGroups: pick(await all(client.productGroup.listByProduct(resourceGroup, svc, "gold"))),
    groups: pick(await all(client.group.listByService(resourceGroup, svc))),
    members: pick(await all(client.groupUser.list(resourceGroup, svc, "partners"))),
    users: pick(await all(client.user.listByService(resourceGroup, svc))),
    subscriptions: pick(await all(client.subscription.list(resourceGroup, svc))),
    keys: (({ eTag, ...keys }) => keys)(await client.subscription.listSecrets(resourceGroup, svc, "ada-gold")),
    namedValues: pick(await all(client.namedValue.listByService(resourceGroup, svc))),
    secretValue: (await client.namedValue.listValue(resourceGroup, svc, "backend-key")).value,
    backends: pick(await all(client.backend.listByService(resourceGroup, svc))),
    loggers: pick(await all(client.logger.listByService(resourceGroup, svc))),
    diagnostics: pick(await all(client.diagnostic.listByService(resourceGroup, svc))),
    globalPolicy: (await arm("GET", `${servicePath(svc)}/policies/policy?api-version=2024-05-01`)).body.properties.value,
    versionSets: pick(await all(client.apiVersionSet.listByService(resourceGroup, svc))),
    identityProviders: pick(await all(client.identityProvider.listByService(resourceGroup, svc))),
    idpSecret: (await client.identityProvider.listSecrets(resourceGroup, svc, "aad")).clientSecret,
    authServerSecret: (await client.authorizationServer.listSecrets(resourceGroup, svc, "oauth")).clientSecret,
    oidcSecret: (await client.openIdConnectProvider.listSecrets(resourceGroup, svc, "oidc")).clientSecret,
    signIn: (await client.signInSettings.get(resourceGroup, svc)).enabled,
    template: (await client.emailTemplate.get(resourceGroup, svc, "newDeveloperNotificationMessage")).subject,
  };
}

test("disaster recovery: back up a service, restore it into a standby with another name, compare everything", async () => {
  const primary = await createService();
  await populate(primary);
  const standby = unique("standby");
  await client.apiManagementService.beginCreateOrUpdateAndWait(resourceGroup, standby, {
    location: "North Europe", sku: { name: "Developer", capacity: 1 }, publisherEmail: "dr@contoso.example", publisherName: "Standby",
    hostnameConfigurations: [{ type: "Proxy", hostName: "api.contoso.example", defaultSslBinding: false, negotiateClientCertificate: false }],
  }, fastPolling);
  const container = await newContainer();

  const backedUp = await client.apiManagementService.beginBackupAndWait(resourceGroup, primary, storage(container, "primary.apimbackup"), fastPolling);
  assert.equal(backedUp.name, primary);
  assert.ok(await exists(container, "primary.apimbackup"));

  const restored = await client.apiManagementService.beginRestoreAndWait(resourceGroup, standby, storage(container, "primary.apimbackup"), fastPolling);
  assert.equal(restored.name, standby);
  assert.equal(restored.location, "North Europe");
  assert.equal(restored.publisherName, "Contoso");
  assert.deepEqual(restored.hostnameConfigurations.map((h) => h.hostName), ["api.contoso.example"]);

  assert.deepEqual(await snapshot(standby), await snapshot(primary));
});

test("accessType is optional (defaults to AccessKey) and older api-versions work", async () => {
  const svc = await createService();
  const container = await newContainer();
  const { accessType, ...withoutType } = storage(container, "no-type.apimbackup", { accessType: undefined });
  assert.equal(accessType, undefined);
  await client.apiManagementService.beginBackupAndWait(resourceGroup, svc, withoutType, fastPolling);
  assert.ok(await exists(container, "no-type.apimbackup"));

  for (const apiVersion of ["2021-08-01", "2022-08-01"]) {
    const older = new ApiManagementClient(credential, subscriptionId, { endpoint: endpoints.managementUrl, apiVersion });
    await older.apiManagementService.beginBackupAndWait(resourceGroup, svc, storage(container, `${apiVersion}.apimbackup`), fastPolling);
    const restored = await older.apiManagementService.beginRestoreAndWait(resourceGroup, svc, storage(container, `${apiVersion}.apimbackup`), fastPolling);
    assert.equal(restored.name, svc);
  }
});

test("failures surface as RestError with the documented code and leave the target untouched", async () => {
  const source = await createService();
  await client.api.beginCreateOrUpdateAndWait(resourceGroup, source, "a", { displayName: "A", path: "a" }, fastPolling);
  const container = await newContainer();
  await client.apiManagementService.beginBackupAndWait(resourceGroup, source, storage(container, "source.apimbackup"), fastPolling);
  const target = await createService();
  await client.api.beginCreateOrUpdateAndWait(resourceGroup, target, "keep", { displayName: "Keep", path: "keep" }, fastPolling);
  const before = await all(client.api.listByService(resourceGroup, target));
  const isRestError = (status, code, message) => (e) => {
    assert.equal(e.name, "RestError");
    assert.equal(e.statusCode, status);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  };

  await assert.rejects(
    client.apiManagementService.beginBackupAndWait(resourceGroup, source, storage("missing-container", "x.apimbackup"), fastPolling),
    isRestError(400, "BackupFailed", /missing-container/));
  await assert.rejects(
    client.apiManagementService.beginBackupAndWait(resourceGroup, source, storage(container, "x.apimbackup", { accessKey: Buffer.alloc(64).toString("base64") }), fastPolling),
    isRestError(400, "BackupFailed", /Authentication failed/));
  await assert.rejects(
    client.apiManagementService.beginRestoreAndWait(resourceGroup, target, storage(container, "absent.apimbackup"), fastPolling),
    isRestError(400, "RestoreFailed", /absent\.apimbackup/));

  const basic = await createService(unique("basic"), "Basic");
  await assert.rejects(
    client.apiManagementService.beginRestoreAndWait(resourceGroup, basic, storage(container, "source.apimbackup"), fastPolling),
    isRestError(400, "RestoreFailed", /^Cannot restore: current SKU is 'Basic', backup SKU is 'Developer'$/));

  const good = await download(container, "source.apimbackup");
  const corrupted = Buffer.from(good);
  corrupted[Math.floor(corrupted.length / 2)] ^= 0xff;
  await upload(container, "corrupted.apimbackup", corrupted);
  await assert.rejects(
    client.apiManagementService.beginRestoreAndWait(resourceGroup, target, storage(container, "corrupted.apimbackup"), fastPolling),
    isRestError(400, "RestoreFailed", /corrupted/));

  await assert.rejects(
    client.apiManagementService.beginBackupAndWait(resourceGroup, source, { storageAccount: "devstoreaccount1", containerName: container, backupName: "x" }, fastPolling),
    isRestError(400, "ValidationError", /accessKey/));

  assert.deepEqual(await all(client.api.listByService(resourceGroup, target)), before);

  // Expiry: the conformance server runs with a short OPENAPIM_BACKUP_LIFETIME.
  await new Promise((resolve) => setTimeout(resolve, lifetimeMs + 1000));
  await assert.rejects(
    client.apiManagementService.beginRestoreAndWait(resourceGroup, target, storage(container, "source.apimbackup"), fastPolling),
    isRestError(400, "RestoreFailed", /^Cannot restore: backup expired$/));
  assert.deepEqual(await all(client.api.listByService(resourceGroup, target)), before);
});
