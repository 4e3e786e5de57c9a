// Signs one fixed request with the AWS SDK for JavaScript's own Signature Version 4 signer (@smithy/signature-v4),
// so the C# tests can check that the endpoint's verifier computes the same signature: an independent implementation
// of the same algorithm, run on a request the test chooses.
//
// Reads one JSON object on stdin:
//   {"accessKeyId","secretAccessKey","region","service","signingDate": ISO 8601,
//    "method","hostname","port","path","query":{name: value},"headers":{name: value},"body": text}
// Prints one JSON object: {"authorization": "<Authorization header>", "headers": {the signed request's headers}}.
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

import { SignatureV4 } from "@smithy/signature-v4";

// The SDK's Checksum interface over node:crypto: a hash, or an HMAC when constructed with a secret.
class Sha256 {
  constructor(secret) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", secret);
  }
  update(data) {
    this.hash.update(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const input = JSON.parse(readFileSync(0, "utf8"));
const signer = new SignatureV4({
  credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
  region: input.region,
  service: input.service,
  sha256: Sha256,
});
const signed = await signer.sign(
  {
    method: input.method,
    protocol: "http:",
    hostname: input.hostname,
    port: input.port,
    path: input.path,
    query: input.query ?? {},
    headers: input.headers ?? {},
    body: input.body,
  },
  { signingDate: new Date(input.signingDate) },
);
console.log(JSON.stringify({ authorization: signed.headers.authorization, headers: signed.headers }));
