"""The Azure CLI (Debian's azure-cli, az 2.45) driving OpenApim as a DR runbook would: log in, create services, import an
API, products, named values, revisions, back up, restore into a standby and call it with the same key."""

import json
import unittest
import uuid

from openapim import ACCOUNT, ACCOUNT_KEY, CREDENTIALS, MANAGEMENT, PETSTORE, SUBSCRIPTION, TENANT, AzCli, EchoBackend, call_gateway, create_container, unique

ELEMENT_BUG = "Object of type Element is not JSON serializable"
ROLE_ASSIGNMENT_BUG = "'RoleAssignmentsOperations' object has no attribute 'config'"


class AzureCliTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.az = AzCli()
        cls.accounts = cls.az.login()
        cls.backend = EchoBackend()
        cls.group = unique("rg-cli-")
        cls.az("group", "create", "-n", cls.group, "-l", "westeurope")

    @classmethod
    def tearDownClass(cls):
        cls.backend.close()

    def create_service(self, name, sku="Developer"):
        return self.az("apim", "create", "-g", self.group, "-n", name, "--publisher-email", "ops@contoso.example", "--publisher-name", "Contoso", "--sku-name", sku)

    def service_path(self, name):
        return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{self.group}/providers/Microsoft.ApiManagement/service/{name}"

    def test_login_lists_the_subscription_and_a_wrong_secret_prints_the_AADSTS_code(self):
        self.assertEqual([SUBSCRIPTION], [a["id"] for a in self.accounts])
        account = self.az("account", "show")
        self.assertEqual(TENANT, account["tenantId"])
        self.assertEqual("servicePrincipal", account["user"]["type"])
        token = self.az("account", "get-access-token")
        self.assertGreater(len(token["accessToken"]), 100)

        other = AzCli()
        other("cloud", "register", "-n", "OpenApim", "--endpoint-resource-manager", MANAGEMENT + "/")
        other("cloud", "set", "-n", "OpenApim")
        code, _, error = other.run("login", "--service-principal", "-u", CREDENTIALS["clientId"], "-p", "not-the-secret", "--tenant", TENANT, check=False)
        self.assertNotEqual(0, code)
        self.assertIn("AADSTS7000215", error)

    def test_resource_groups(self):
        name = unique("rg-tmp-")
        created = self.az("group", "create", "-n", name, "-l", "westeurope", "--tags", "purpose=dr")
        self.assertEqual("Succeeded", created["properties"]["provisioningState"])
        self.assertIn(name, [g["name"] for g in self.az("group", "list")])
        self.assertEqual("dr", self.az("group", "show", "-n", name)["tags"]["purpose"])
        self.assertTrue(self.az("group", "exists", "-n", name))
        self.az("group", "delete", "-n", name, "--yes")
        self.assertFalse(self.az("group", "exists", "-n", name))

    def test_a_disaster_recovery_drill(self):
        primary, standby = unique("cli-primary-"), unique("cli-standby-")
        created = self.create_service(primary)
        self.assertEqual("Succeeded", created["provisioningState"])
        self.create_service(standby)
        self.assertEqual(primary, self.az("apim", "show", "-g", self.group, "-n", primary)["name"])

        imported = self.az("apim", "api", "import", "-g", self.group, "--service-name", primary, "--path", "pets", "--api-id", "petstore",
                           "--specification-format", "OpenApi", "--specification-path", PETSTORE, "--service-url", self.backend.url)
        self.assertEqual("Swagger Petstore", imported["displayName"])
        operations = self.az("apim", "api", "operation", "list", "-g", self.group, "-n", primary, "--api-id", "petstore")
        self.assertEqual({"listPets", "createPets", "showPetById"}, {o["name"] for o in operations})

        # A new service has Azure's products; the tutorials' --product-id starter works.
        self.assertEqual({"starter", "unlimited"}, {p["name"] for p in self.az("apim", "product", "list", "-g", self.group, "-n", primary)})
        self.az("apim", "product", "api", "add", "-g", self.group, "-n", primary, "--product-id", "unlimited", "--api-id", "petstore")
        self.assertIn("petstore", [a["name"] for a in self.az("apim", "product", "api", "list", "-g", self.group, "-n", primary, "--product-id", "unlimited")])

        # This CLI's SDK cannot serialise named values (it fails against Azure too); the same PUT through az rest works.
        code, _, error = self.az.run("apim", "nv", "create", "-g", self.group, "-n", primary, "--named-value-id", "region", "--display-name", "region", "--value", "west", check=False)
        self.assertNotEqual(0, code)
        self.assertIn(ELEMENT_BUG, error)
        self.az.rest("put", f"{self.service_path(primary)}/namedValues/region?api-version=2021-08-01", {"properties": {"displayName": "region", "value": "west"}})
        self.assertEqual("west", self.az("apim", "nv", "show", "-g", self.group, "-n", primary, "--named-value-id", "region")["value"])

        key = unique("cli-key-")
        self.az.rest("put", f"{self.service_path(primary)}/subscriptions/dr-key?api-version=2021-08-01",
                     {"properties": {"displayName": "dr", "scope": "/products/unlimited", "state": "active", "primaryKey": key}})

        # Revisions: a second revision, listed beside the current one.
        self.az("apim", "api", "revision", "create", "-g", self.group, "-n", primary, "--api-id", "petstore", "--api-revision", "2", "--api-revision-description", "next")
        revisions = self.az("apim", "api", "revision", "list", "-g", self.group, "-n", primary, "--api-id", "petstore")
        self.assertEqual(["1", "2"], sorted(r["apiRevision"] for r in revisions))

        status, body = call_gateway(primary, "/pets/pets/7", key)
        self.assertEqual(200, status, body)

        container = create_container()
        backup = self.az("apim", "backup", "-g", self.group, "-n", primary, "--backup-name", "drill.apimbackup",
                         "--storage-account-name", ACCOUNT, "--storage-account-container", container, "--storage-account-key", ACCOUNT_KEY)
        self.assertEqual(primary, backup["name"])
        self.az("apim", "restore", "-g", self.group, "-n", standby, "--backup-name", "drill.apimbackup",
                "--storage-account-name", ACCOUNT, "--storage-account-container", container, "--storage-account-key", ACCOUNT_KEY)

        # The standby answers the same request with the same key.
        self.assertEqual("Swagger Petstore", self.az("apim", "api", "show", "-g", self.group, "--service-name", standby, "--api-id", "petstore")["displayName"])
        self.assertEqual(2, len(self.az("apim", "api", "revision", "list", "-g", self.group, "-n", standby, "--api-id", "petstore")))
        status, body = call_gateway(standby, "/pets/pets/7", key)
        self.assertEqual(200, status, body)
        self.assertEqual("/pets/7", json.loads(body)["path"])

    def test_restore_failures_carry_Azures_messages(self):
        source, other_sku = unique("cli-src-"), unique("cli-basic-")
        self.create_service(source)
        self.create_service(other_sku, sku="Basic")
        container = create_container()
        storage = ["--storage-account-name", ACCOUNT, "--storage-account-container", container, "--storage-account-key", ACCOUNT_KEY]

        code, _, error = self.az.run("apim", "restore", "-g", self.group, "-n", source, "--backup-name", "missing.apimbackup", *storage, check=False)
        self.assertNotEqual(0, code)
        self.assertIn("missing.apimbackup", error)

        self.az("apim", "backup", "-g", self.group, "-n", source, "--backup-name", "sku.apimbackup", *storage)
        code, _, error = self.az.run("apim", "restore", "-g", self.group, "-n", other_sku, "--backup-name", "sku.apimbackup", *storage, check=False)
        self.assertNotEqual(0, code)
        self.assertIn("SKU", error.upper())

        code, _, error = self.az.run("apim", "backup", "-g", self.group, "-n", source, "--backup-name", "x", "--storage-account-name", ACCOUNT,
                                     "--storage-account-container", unique("nocontainer"), "--storage-account-key", ACCOUNT_KEY, check=False)
        self.assertNotEqual(0, code)
        self.assertIn("container", error.lower())

    def test_the_activity_log_shows_who_deleted_an_API(self):
        name = unique("cli-audit-")
        self.create_service(name)
        self.az("apim", "api", "delete", "-g", self.group, "-n", name, "--api-id", "echo-api", "--yes")
        events = self.az("monitor", "activity-log", "list", "-g", self.group, "--offset", "1h")
        deletes = [e for e in events if e["operationName"]["value"] == "Microsoft.ApiManagement/service/apis/delete" and e["resourceId"].endswith(f"/service/{name}/apis/echo-api")]
        self.assertEqual(1, len(deletes), events[:3])
        self.assertEqual(CREDENTIALS["clientId"], deletes[0]["caller"])
        self.assertEqual("Succeeded", deletes[0]["status"]["value"])
        self.assertEqual(self.group, deletes[0]["resourceGroupName"])

    def test_the_activity_log_shows_who_granted_and_revoked_a_role(self):
        group = unique("rg-cli-grants-")
        self.az("group", "create", "-n", group, "-l", "westeurope")
        scope = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}"
        principal = str(uuid.uuid4())
        # Debian's az 2.45 pairs `az role assignment create` with an azure-mgmt-authorization it cannot drive (it fails before
        # any request, against Azure too); the PUT and DELETE it would send go through az rest instead.
        code, _, error = self.az.run("role", "assignment", "create", "--assignee-object-id", principal, "--assignee-principal-type", "ServicePrincipal",
                                     "--role", "Reader", "--scope", scope, check=False)
        self.assertNotEqual(0, code)
        self.assertIn(ROLE_ASSIGNMENT_BUG, error)
        assignment = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}"
        reader = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"
        granted = self.az.rest("put", f"{assignment}?api-version=2022-04-01",
                               {"properties": {"roleDefinitionId": reader, "principalId": principal, "principalType": "ServicePrincipal"}})
        self.az.rest("delete", f"{assignment}?api-version=2022-04-01")
        events = self.az("monitor", "activity-log", "list", "-g", group, "--offset", "1h")
        operations = [e["operationName"]["value"] for e in events]
        self.assertEqual(["Microsoft.Authorization/roleAssignments/delete", "Microsoft.Authorization/roleAssignments/write",
                          "Microsoft.Resources/subscriptions/resourceGroups/write"], operations)
        self.assertEqual(granted["id"].lower(), events[1]["resourceId"].lower())
        self.assertEqual({CREDENTIALS["clientId"]}, {e["caller"] for e in events})
        # az sends one of -g and --namespace (the group wins), so the namespace is asked across the subscription.
        authorization = self.az("monitor", "activity-log", "list", "--offset", "1h", "--namespace", "Microsoft.Authorization")
        self.assertEqual({"Microsoft.Authorization"}, {e["resourceProviderName"]["value"] for e in authorization})
        self.assertEqual(2, len([e for e in authorization if e["resourceId"].lower() == assignment.lower()]))

    def test_a_deleted_service_is_listed_and_purged(self):
        name = unique("cli-deleted-")
        self.create_service(name)
        self.az("apim", "delete", "-g", self.group, "-n", name, "--yes")
        deleted = self.az("apim", "deletedservice", "list")
        self.assertIn(name, [d["name"] for d in deleted])
        shown = self.az("apim", "deletedservice", "show", "-n", name, "-l", "westeurope")
        self.assertTrue(shown["serviceId"].endswith("/service/" + name))
        self.az("apim", "deletedservice", "purge", "-n", name, "-l", "westeurope")
        self.assertNotIn(name, [d["name"] for d in self.az("apim", "deletedservice", "list")])


if __name__ == "__main__":
    unittest.main()
