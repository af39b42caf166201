"""Shared set-up for the client suites: the server under test (endpoints.json), Azurite, an echo backend, and the az CLI."""

import atexit
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ENDPOINTS = json.load(open(os.environ["OPENAPIM_ENDPOINTS"]))
CREDENTIALS = json.load(open(ENDPOINTS["bootstrapCredentialsPath"]))
MANAGEMENT = ENDPOINTS["managementUrl"]
TENANT = ENDPOINTS["tenantId"]
CA = ENDPOINTS["certificatePath"]
GATEWAY = ENDPOINTS["gatewayUrl"]
AZURITE = os.environ["AZURITE_URL"].rstrip("/")
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
HERE = os.path.dirname(os.path.abspath(__file__))
PETSTORE = os.path.join(HERE, "petstore.yaml")


def unique(prefix):
    return prefix + uuid.uuid4().hex[:8]


def create_container():
    """A fresh Azurite container (a backup needs one that exists)."""
    from azure.storage.blob import BlobServiceClient

    name = unique("dr")
    connection = f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};BlobEndpoint={AZURITE}/{ACCOUNT};"
    BlobServiceClient.from_connection_string(connection).create_container(name)
    return name


def call_gateway(service, path, key):
    """GET through the gateway listener with the service's default host; returns (status, body)."""
    request = urllib.request.Request(GATEWAY + path, headers={"Host": f"{service.lower()}.localhost", "Ocp-Apim-Subscription-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class EchoBackend:
    """A real HTTP backend on a free loopback port that answers with the path it was asked for."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps({"path": self.path, "backend": "echo"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


class AzCli:
    """The Azure CLI with a private config directory, trusting the server's certificate."""

    def __init__(self):
        self.config = tempfile.mkdtemp(prefix="openapim-az-")
        # It holds the CLI's token cache: removed when the run ends, never left behind in /tmp.
        atexit.register(shutil.rmtree, self.config, ignore_errors=True)
        self.env = dict(os.environ, AZURE_CONFIG_DIR=self.config, REQUESTS_CA_BUNDLE=CA, AZURE_CORE_COLLECT_TELEMETRY="no",
                        AZURE_CORE_ONLY_SHOW_ERRORS="true", AZURE_CORE_NO_COLOR="true")

    def run(self, *args, check=True):
        """Runs az with -o json; returns (exit code, parsed stdout or None, stderr)."""
        result = subprocess.run(["az", *args, "-o", "json"], env=self.env, capture_output=True, text=True, timeout=300)
        out = json.loads(result.stdout) if result.stdout.strip() else None
        if check and result.returncode != 0:
            raise AssertionError(f"az {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result.returncode, out, result.stderr

    def __call__(self, *args):
        return self.run(*args)[1]

    def rest(self, method, path, body=None):
        """az rest against the management API (for commands whose SDK model the CLI cannot serialise)."""
        args = ["rest", "--method", method, "--url", MANAGEMENT + path]
        if body is not None:
            args += ["--body", json.dumps(body)]
        return self(*args)

    def login(self):
        self("cloud", "register", "-n", "OpenApim", "--endpoint-resource-manager", MANAGEMENT + "/")
        self("cloud", "set", "-n", "OpenApim")
        return self("login", "--service-principal", "-u", CREDENTIALS["clientId"], "-p", CREDENTIALS["clientSecret"], "--tenant", TENANT)


class Counting(unittest.TextTestResult):
    """Counts for the test script's summary line."""


def main():
    """Runs the given test modules and prints '# pass N' and '# fail N' for scripts/test.sh."""
    import sys

    suite = unittest.defaultTestLoader.loadTestsFromNames(sys.argv[1:])
    result = unittest.TextTestRunner(verbosity=2, resultclass=Counting).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f"# pass {result.testsRun - failed}")
    print(f"# fail {failed}")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
