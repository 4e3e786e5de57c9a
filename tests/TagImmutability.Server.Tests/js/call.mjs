// One ECR call through the AWS SDK for JavaScript v3, for the endpoint's signature tests: the C# test chooses the
// credentials and region, this script reports what the SDK made of the answer.
//
// Usage: node call.mjs <endpoint> <Operation> [<input JSON>]   e.g. node call.mjs http://127.0.0.1:5000 DescribeRepositories '{}'
// Credentials and region: ECR_ACCESS_KEY_ID, ECR_SECRET_ACCESS_KEY, ECR_REGION (default us-east-1).
// Prints one JSON line: {"ok":true,"httpStatusCode":200,"output":{...}} or
// {"ok":false,"name":"<err.name>","message":"<err.message>","httpStatusCode":N,"fault":"client"}. Exits 0 either way
// (2 on bad usage): the caller asserts.
import * as ecr from "@aws-sdk/client-ecr";

const [endpoint, operation, input = "{}"] = process.argv.slice(2);
const Command = operation ? ecr[`${operation}Command`] : undefined;
if (!endpoint || !Command) {
  console.error("call.mjs: usage: node call.mjs <endpoint> <Operation> [<input JSON>]");
  process.exit(2);
}

const client = new ecr.ECRClient({
  endpoint,
  region: process.env.ECR_REGION ?? "us-east-1",
  credentials: {
    accessKeyId: process.env.ECR_ACCESS_KEY_ID ?? "AKIDCALL",
    secretAccessKey: process.env.ECR_SECRET_ACCESS_KEY ?? "call-secret",
  },
  maxAttempts: 1,
});

try {
  const { $metadata, ...output } = await client.send(new Command(JSON.parse(input)));
  console.log(JSON.stringify({ ok: true, httpStatusCode: $metadata.httpStatusCode, requestId: $metadata.requestId, output }));
} catch (err) {
  console.log(JSON.stringify({
    ok: false,
    name: err.name,
    message: err.message,
    httpStatusCode: err.$metadata?.httpStatusCode,
    requestId: err.$metadata?.requestId,
    fault: err.$fault,
  }));
}
