// The seed's walkthrough (docs/examples/immutable-tags.json) through a TagImmutability.Server ECR endpoint with the
// official AWS SDK for JavaScript v3 (@aws-sdk/client-ecr): an IMMUTABLE repository refuses to move `latest` with
// ImageTagAlreadyExistsException, PutImageTagMutability makes it MUTABLE, and the same push then moves the tag.
//
// Usage: node walkthrough.mjs <endpoint>   (or ECR_ENDPOINT=http://127.0.0.1:PORT node walkthrough.mjs)
// Credentials: ECR_ACCESS_KEY_ID / ECR_SECRET_ACCESS_KEY (defaults suit an endpoint that does not check signatures).
// Prints one JSON summary line on stdout; exits 0 when every step answered as expected, 1 otherwise, 2 on bad usage.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ImageTagAlreadyExistsException,
  PutImageCommand,
  PutImageTagMutabilityCommand,
} from "@aws-sdk/client-ecr";

const endpoint = process.argv[2] ?? process.env.ECR_ENDPOINT;
if (!endpoint) {
  console.error("walkthrough.mjs: give the ECR endpoint as the first argument or in ECR_ENDPOINT");
  process.exit(2);
}

const region = process.env.ECR_REGION ?? "us-east-1";
const client = new ECRClient({
  endpoint,
  region,
  credentials: {
    accessKeyId: process.env.ECR_ACCESS_KEY_ID ?? "AKIDWALKTHROUGH",
    secretAccessKey: process.env.ECR_SECRET_ACCESS_KEY ?? "walkthrough-secret",
  },
  // One attempt: a retry would hide a wrong answer.
  maxAttempts: 1,
});

const examples = new URL("../../../docs/examples/immutable-tags/", import.meta.url);
const manifest1 = readFileSync(new URL("manifest-0001.json", examples));
const manifest2 = readFileSync(new URL("manifest-0002.json", examples));
const digest1 = "sha256:" + createHash("sha256").update(manifest1).digest("hex");
const digest2 = "sha256:" + createHash("sha256").update(manifest2).digest("hex");
const repositoryName = process.env.ECR_REPOSITORY ?? "walkthrough/immutable-repo";
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sdkVersion = JSON.parse(readFileSync(new URL("./node_modules/@aws-sdk/client-ecr/package.json", import.meta.url))).version;

const steps = [];
function ok(name, output, details) {
  assert.equal(output.$metadata.httpStatusCode, 200, `${name}: HTTP status`);
  assert.match(output.$metadata.requestId ?? "", guid, `${name}: x-amzn-RequestId is a GUID`);
  steps.push({ step: steps.length + 1, operation: name, httpStatusCode: 200, ...details });
}

async function refused(name, command, expectedName, expectedMessage) {
  try {
    await client.send(command);
  } catch (err) {
    assert.equal(err.name, expectedName, `${name}: err.name`);
    assert.equal(err.message, expectedMessage, `${name}: err.message`);
    assert.equal(err.$metadata?.httpStatusCode, 400, `${name}: HTTP status`);
    assert.equal(err.$fault, "client", `${name}: $fault`);
    assert.match(err.$metadata?.requestId ?? "", guid, `${name}: x-amzn-RequestId is a GUID`);
    steps.push({ step: steps.length + 1, operation: name, httpStatusCode: 400, errorName: err.name, errorMessage: err.message });
    return err;
  }
  throw new assert.AssertionError({ message: `${name}: expected ${expectedName}, but the call succeeded` });
}

async function describe() {
  const output = await client.send(new DescribeImagesCommand({ repositoryName }));
  return { output, byDigest: new Map(output.imageDetails.map((d) => [d.imageDigest, d])) };
}

try {
  // 1. CreateRepository with IMMUTABLE.
  const created = await client.send(new CreateRepositoryCommand({ repositoryName, imageTagMutability: "IMMUTABLE" }));
  assert.equal(created.repository.repositoryName, repositoryName);
  assert.equal(created.repository.imageTagMutability, "IMMUTABLE");
  assert.match(created.repository.registryId, /^[0-9]{12}$/);
  assert.ok(created.repository.createdAt instanceof Date, "createdAt parses as a Date");
  ok("CreateRepository", created, { imageTagMutability: created.repository.imageTagMutability, repositoryUri: created.repository.repositoryUri });

  // 2. PutImage latest: the digest is the SHA-256 of the exact manifest bytes.
  const put1 = await client.send(new PutImageCommand({ repositoryName, imageTag: "latest", imageManifest: manifest1.toString("utf8") }));
  assert.equal(put1.image.imageId.imageDigest, digest1);
  assert.equal(put1.image.imageId.imageTag, "latest");
  assert.equal(put1.image.repositoryName, repositoryName);
  ok("PutImage", put1, { imageTag: "latest", imageDigest: put1.image.imageId.imageDigest });

  // 3. DescribeImages shows the tag.
  const first = await describe();
  assert.equal(first.output.imageDetails.length, 1);
  assert.deepEqual(first.byDigest.get(digest1)?.imageTags, ["latest"]);
  assert.ok(first.byDigest.get(digest1).imagePushedAt instanceof Date, "imagePushedAt parses as a Date");
  assert.equal(typeof first.byDigest.get(digest1).imageSizeInBytes, "number");
  ok("DescribeImages", first.output, { images: first.output.imageDetails.map((d) => ({ imageDigest: d.imageDigest, imageTags: d.imageTags ?? [] })) });

  // 4. A different manifest as latest: the immutable tag refuses, with ECR's error type and message.
  const expectedMessage = `The image tag 'latest' already exists in the '${repositoryName}' repository and cannot be overwritten because the tag is immutable.`;
  const err = await refused("PutImage", new PutImageCommand({ repositoryName, imageTag: "latest", imageManifest: manifest2.toString("utf8") }),
    "ImageTagAlreadyExistsException", expectedMessage);
  assert.ok(err instanceof ImageTagAlreadyExistsException, "the SDK raises its modelled ImageTagAlreadyExistsException class");

  // 5. Nothing changed.
  const unchanged = await describe();
  assert.equal(unchanged.output.imageDetails.length, 1);
  assert.deepEqual(unchanged.byDigest.get(digest1)?.imageTags, ["latest"]);
  ok("DescribeImages", unchanged.output, { images: unchanged.output.imageDetails.map((d) => ({ imageDigest: d.imageDigest, imageTags: d.imageTags ?? [] })) });

  // 6. PutImageTagMutability to MUTABLE.
  const mutable = await client.send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: "MUTABLE" }));
  assert.equal(mutable.imageTagMutability, "MUTABLE");
  assert.equal(mutable.repositoryName, repositoryName);
  ok("PutImageTagMutability", mutable, { imageTagMutability: mutable.imageTagMutability });

  // 7. The same push now moves latest.
  const put2 = await client.send(new PutImageCommand({ repositoryName, imageTag: "latest", imageManifest: manifest2.toString("utf8") }));
  assert.equal(put2.image.imageId.imageDigest, digest2);
  ok("PutImage", put2, { imageTag: "latest", imageDigest: put2.image.imageId.imageDigest });

  // 8. latest names the new image; the old one stays, untagged (ECR keeps it; moto deletes it).
  const moved = await describe();
  assert.equal(moved.output.imageDetails.length, 2);
  assert.deepEqual(moved.byDigest.get(digest2)?.imageTags, ["latest"]);
  assert.equal(moved.byDigest.get(digest1)?.imageTags, undefined);
  ok("DescribeImages", moved.output, { images: moved.output.imageDetails.map((d) => ({ imageDigest: d.imageDigest, imageTags: d.imageTags ?? [] })) });

  // 9. GetAuthorizationToken: a token the docker login flow can use, valid for 12 hours, naming this endpoint.
  const before = Date.now();
  const auth = await client.send(new GetAuthorizationTokenCommand({}));
  const data = auth.authorizationData[0];
  const [user, password] = Buffer.from(data.authorizationToken, "base64").toString("utf8").split(":");
  assert.equal(user, "AWS");
  assert.ok(password.length > 0, "the token has a password");
  assert.ok(data.expiresAt instanceof Date, "expiresAt parses as a Date");
  const hours = (data.expiresAt.getTime() - before) / 3_600_000;
  assert.ok(hours > 11.9 && hours < 12.1, `expiresAt is 12 hours ahead (was ${hours} h)`);
  assert.equal(data.proxyEndpoint, endpoint.replace(/\/$/, ""));
  ok("GetAuthorizationToken", auth, { user, expiresInHours: Math.round(hours * 100) / 100, proxyEndpoint: data.proxyEndpoint });

  console.log(JSON.stringify({ passed: true, sdk: "@aws-sdk/client-ecr", sdkVersion, node: process.version, endpoint, repositoryName, steps }));
} catch (error) {
  console.log(JSON.stringify({
    passed: false,
    sdk: "@aws-sdk/client-ecr",
    sdkVersion,
    node: process.version,
    endpoint,
    failedAfterStep: steps.length,
    error: { name: error?.name, message: error?.message, httpStatusCode: error?.$metadata?.httpStatusCode },
    steps,
  }));
  process.exitCode = 1;
}
