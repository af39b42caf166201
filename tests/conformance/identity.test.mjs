// App registrations and role assignments, then @azure/identity and @azure/arm-apimanagement with the
// registered application's credential (issue: identity and access).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { ApiManagementClient } from "@azure/arm-apimanagement";
import { arm, createService, endpoints, fastPolling, resourceGroup, servicePath, subscriptionId } from "./lib/openapim.mjs";
import { newContainer, storage, exists } from "./lib/storage.mjs";

const operatorRole = "e022efe7-f5ba-4159-bbe4-b44f577e9b61";

async function registerApp(displayName) {
  const appId = randomUUID();
  const created = await arm("PUT", `/providers/OpenApim.Identity/applications/${appId}?api-version=2026-01-01`, { properties: { displayName } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const password = await arm("POST", `/providers/OpenApim.Identity/applications/${appId}/addPassword?api-version=2026-01-01`, { displayName: "conformance" });
  assert.equal(password.status, 200, JSON.stringify(password.body));
  return { appId, objectId: created.body.properties.objectId, secret: password.body.secretText };
}

function credentialFor(app) {
  return new ClientSecretCredential(endpoints.tenantId, app.appId, app.secret, { authorityHost: endpoints.managementUrl, disableInstanceDiscovery: true });
}

test("a registered app's ClientSecretCredential drives the SDK within its role: an operator backs up but cannot delete", async () => {
  const app = await registerApp("conformance operator");
  const svc = await createService();
  const operator = new ApiManagementClient(credentialFor(app), subscriptionId, { endpoint: endpoints.managementUrl });

  await assert.rejects(operator.apiManagementService.get(resourceGroup, svc), (e) => {
    assert.equal(e.statusCode, 403);
    assert.equal(e.code, "AuthorizationFailed");
    assert.match(e.message, new RegExp(app.appId));
    return true;
  });

  const assignment = await arm("PUT", `${servicePath(svc)}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, {
    properties: { roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${operatorRole}`, principalId: app.objectId, principalType: "ServicePrincipal" },
  });
  assert.equal(assignment.status, 201, JSON.stringify(assignment.body));

  assert.equal((await operator.apiManagementService.get(resourceGroup, svc)).name, svc);
  const container = await newContainer();
  await operator.apiManagementService.beginBackupAndWait(resourceGroup, svc, storage(container, "operator.apimbackup"), fastPolling);
  assert.ok(await exists(container, "operator.apimbackup"));

  await assert.rejects(operator.apiManagementService.beginDeleteAndWait(resourceGroup, svc, fastPolling), (e) => e.statusCode === 403 && e.code === "AuthorizationFailed");
  await assert.rejects(operator.namedValue.beginCreateOrUpdateAndWait(resourceGroup, svc, "nv", { displayName: "nv", value: "v" }, fastPolling), (e) => e.statusCode === 403);
});

test("@azure/identity reports a wrong secret as Entra's invalid_client, and app secrets never come back", async () => {
  const app = await registerApp("conformance wrong secret");
  const wrong = new ClientSecretCredential(endpoints.tenantId, app.appId, "not-the-secret", { authorityHost: endpoints.managementUrl, disableInstanceDiscovery: true });
  // MSAL parses the OAuth error body as it does Entra's; @azure/identity wraps it (as AuthenticationRequiredError in 4.x).
  await assert.rejects(wrong.getToken(`${endpoints.managementUrl}/.default`), (e) => {
    assert.match(e.message, /invalid_client: Error\(s\): 7000215 .*AADSTS7000215: Invalid client secret/);
    assert.doesNotMatch(e.message, /not-the-secret/);
    return true;
  });

  const token = await credentialFor(app).getToken("https://management.azure.com/.default");
  const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());
  assert.equal(claims.appid, app.appId);
  assert.equal(claims.oid, app.objectId);
  assert.equal(claims.tid, endpoints.tenantId);

  const listed = await arm("GET", "/providers/OpenApim.Identity/applications?api-version=2026-01-01");
  assert.equal(listed.status, 200);
  assert.ok(!JSON.stringify(listed.body).includes(app.secret));
});
