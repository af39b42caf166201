// Shared setup for the conformance suites: the running server (from endpoints.json), its token
// issuer through @azure/identity, and the official ApiManagementClient pointed at it.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { ApiManagementClient } from "@azure/arm-apimanagement";

const endpointsPath = process.env.OPENAPIM_ENDPOINTS;
if (!endpointsPath) {
  throw new Error("OPENAPIM_ENDPOINTS must point at the endpoints.json of a running OpenApim (scripts/test.sh sets it).");
}

export const endpoints = JSON.parse(readFileSync(endpointsPath, "utf8"));
const bootstrap = JSON.parse(readFileSync(endpoints.bootstrapCredentialsPath, "utf8"));
export const subscriptionId = "00000000-0000-4000-8000-00000000c0f1";
export const resourceGroup = "conformance";

export const credential = new ClientSecretCredential(endpoints.tenantId, bootstrap.clientId, bootstrap.clientSecret, {
  authorityHost: endpoints.managementUrl,
  disableInstanceDiscovery: true,
});

export const client = new ApiManagementClient(credential, subscriptionId, { endpoint: endpoints.managementUrl });

/** A unique, valid name (starts with a letter). */
export function unique(prefix) {
  return prefix + randomUUID().replaceAll("-", "").slice(0, 10);
}

export const fastPolling = { updateIntervalInMs: 100 };

/** Creates a service through the LRO and returns its name. */
export async function createService(name = unique("svc"), sku = "Developer", location = "West Europe") {
  await client.apiManagementService.beginCreateOrUpdateAndWait(resourceGroup, name, {
    location,
    sku: { name: sku, capacity: sku === "Consumption" ? 0 : 1 },
    publisherEmail: "admin@contoso.example",
    publisherName: "Contoso",
  }, fastPolling);
  return name;
}

/** A raw authenticated request (for things the SDK does not expose). */
export async function arm(method, path, body) {
  const token = await credential.getToken(`${endpoints.managementUrl}/.default`);
  const response = await fetch(`${endpoints.managementUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export function servicePath(name) {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ApiManagement/service/${name}`;
}
