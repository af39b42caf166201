// Azurite (started by scripts/test.sh) through the official @azure/storage-blob SDK.
import { randomUUID } from "node:crypto";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";

export const account = "devstoreaccount1";
export const accessKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const url = process.env.AZURITE_URL;
if (!url) throw new Error("AZURITE_URL must point at Azurite (scripts/test.sh sets it).");

export const blobs = new BlobServiceClient(`${url}/${account}`, new StorageSharedKeyCredential(account, accessKey));

export async function newContainer() {
  const name = "c" + randomUUID().replaceAll("-", "").slice(0, 20);
  await blobs.createContainer(name);
  return name;
}

export async function download(container, blob) {
  return await blobs.getContainerClient(container).getBlobClient(blob).downloadToBuffer();
}

export async function upload(container, blob, buffer) {
  await blobs.getContainerClient(container).getBlockBlobClient(blob).uploadData(buffer);
}

export async function exists(container, blob) {
  return await blobs.getContainerClient(container).getBlobClient(blob).exists();
}

export function storage(container, backupName, extra = {}) {
  return { storageAccount: account, containerName: container, backupName, accessKey, ...extra };
}
