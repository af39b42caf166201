"""The Python SDK (Debian's python3-azure: azure-mgmt-apimanagement 3.1.0b1, azure-identity 1.13) doing the DR drill:
services, API import, revisions, products, named values, begin_backup(...).result(), begin_restore(...).result()."""

import json
import unittest

from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest
from azure.identity import ClientSecretCredential
from azure.mgmt.apimanagement import ApiManagementClient

from openapim import ACCOUNT, ACCOUNT_KEY, CA, CREDENTIALS, MANAGEMENT, PETSTORE, SUBSCRIPTION, TENANT, EchoBackend, call_gateway, create_container, unique


def client():
    # In azure-identity 1.13 the option is instance_discovery=False (disable_instance_discovery is silently ignored there).
    credential = ClientSecretCredential(TENANT, CREDENTIALS["clientId"], CREDENTIALS["clientSecret"], authority=MANAGEMENT,
                                        instance_discovery=False, connection_verify=CA)
    return ApiManagementClient(credential, SUBSCRIPTION, base_url=MANAGEMENT, credential_scopes=["https://management.azure.com/.default"],
                               connection_verify=CA)


def put_json(apim, path, body):
    """This SDK build serialises some models as XML (is_xml=True) and fails; the same PUT through the client's own
    pipeline (send_request: same credential, same endpoint) is the workaround."""
    response = apim._client.send_request(HttpRequest(  # noqa: SLF001 (this SDK build has no public send_request)
        "PUT", f"{MANAGEMENT}{path}?api-version=2021-08-01", json=body))
    response.raise_for_status()
    return response.json()


class PythonSdkTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.apim = client()
        cls.backend = EchoBackend()
        cls.group = unique("rg-py-")

    @classmethod
    def tearDownClass(cls):
        cls.backend.close()

    def create_service(self, name, sku="Developer"):
        return self.apim.api_management_service.begin_create_or_update(self.group, name, {
            "location": "West Europe", "sku": {"name": sku, "capacity": 1},
            "publisher_email": "ops@contoso.example", "publisher_name": "Contoso",
        }).result()

    def test_the_sdk_bug_is_real_and_the_workaround_works(self):
        name = unique("py-bug-")
        self.create_service(name)
        with self.assertRaises(TypeError) as raised:
            self.apim.named_value.begin_create_or_update(self.group, name, "region", {"display_name": "region", "value": "west"}).result()
        self.assertIn("Element is not JSON serializable", str(raised.exception))
        put_json(self.apim, f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{self.group}/providers/Microsoft.ApiManagement/service/{name}/namedValues/region",
                 {"properties": {"displayName": "region", "value": "west"}})
        self.assertEqual("west", self.apim.named_value.get(self.group, name, "region").value)

    def test_a_disaster_recovery_drill(self):
        primary, standby = unique("py-primary-"), unique("py-standby-")
        service = self.create_service(primary)
        self.assertEqual("Succeeded", service.provisioning_state)
        self.create_service(standby)

        spec = open(PETSTORE).read()
        api = self.apim.api.begin_create_or_update(self.group, primary, "petstore", {
            "format": "openapi", "value": spec, "path": "pets", "service_url": self.backend.url,
        }).result()
        self.assertEqual("Swagger Petstore", api.display_name)
        self.assertEqual({"listPets", "createPets", "showPetById"}, {o.name for o in self.apim.api_operation.list_by_api(self.group, primary, "petstore")})
        self.assertEqual({"starter", "unlimited"}, {p.name for p in self.apim.product.list_by_service(self.group, primary)})
        self.apim.product_api.create_or_update(self.group, primary, "unlimited", "petstore")

        self.apim.api.begin_create_or_update(self.group, primary, "petstore;rev=2", {"source_api_id": f"/apis/petstore", "path": "pets"}).result()
        revisions = list(self.apim.api_revision.list_by_service(self.group, primary, "petstore"))
        self.assertEqual(["1", "2"], sorted(r.api_revision for r in revisions))

        key = unique("py-key-")
        self.apim.subscription.create_or_update(self.group, primary, "dr-key", {
            "display_name": "dr", "scope": "/products/unlimited", "state": "active", "primary_key": key,
        })

        container = create_container()
        storage = {"storage_account": ACCOUNT, "container_name": container, "backup_name": "drill.apimbackup", "access_key": ACCOUNT_KEY}
        backed_up = self.apim.api_management_service.begin_backup(self.group, primary, storage).result()
        self.assertEqual(primary, backed_up.name)
        self.apim.api_management_service.begin_restore(self.group, standby, storage).result()

        self.assertEqual("Swagger Petstore", self.apim.api.get(self.group, standby, "petstore").display_name)
        status, body = call_gateway(standby, "/pets/pets/7", key)
        self.assertEqual(200, status, body)
        self.assertEqual("/pets/7", json.loads(body)["path"])

    def test_a_failed_restore_raises_Azures_error(self):
        name = unique("py-target-")
        self.create_service(name)
        storage = {"storage_account": ACCOUNT, "container_name": create_container(), "backup_name": "missing.apimbackup", "access_key": ACCOUNT_KEY}
        with self.assertRaises(HttpResponseError) as raised:
            self.apim.api_management_service.begin_restore(self.group, name, storage).result()
        self.assertIn("missing.apimbackup", str(raised.exception))

    def test_soft_delete_and_undelete(self):
        name = unique("py-deleted-")
        self.create_service(name)
        self.apim.api.begin_create_or_update(self.group, name, "kept", {"display_name": "kept", "path": "kept"}).result()
        self.apim.api_management_service.begin_delete(self.group, name).result()
        self.assertIn(name, [d.name for d in self.apim.deleted_services.list_by_subscription()])
        self.assertTrue(self.apim.deleted_services.get_by_name(name, "westeurope").service_id.endswith("/service/" + name))

        restored = self.apim.api_management_service.begin_create_or_update(self.group, name, {
            "location": "West Europe", "sku": {"name": "Developer", "capacity": 1},
            "publisher_email": "ops@contoso.example", "publisher_name": "Contoso", "restore": True,
        }).result()
        self.assertEqual(name, restored.name)
        self.assertEqual("kept", self.apim.api.get(self.group, name, "kept").display_name)


if __name__ == "__main__":
    unittest.main()
