// `node scripts/lib/create-bucket.mjs <endpoint> <bucket> <timeoutMs>`: creates the bucket on the local
// SeaweedFS (or finds it ours), retrying until the timeout — also the S3 readiness check. Exits 0
// when the bucket is there, 1 when the store never answered.
//
// A script of its own because the set-up runs on whatever Node the user has (Node 20 on this machine
// kind), while the AWS SDK is run on the project's Node only: its releases after January 2027
// require Node >= 22, and it warns about older ones. services.mjs runs this with the project's Node.
import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { LOCAL_S3 } from './services.mjs';

const [endpoint, bucket, timeout] = process.argv.slice(2);
const client = new S3Client({
  endpoint,
  region: LOCAL_S3.region,
  credentials: { accessKeyId: LOCAL_S3.accessKeyId, secretAccessKey: LOCAL_S3.secretAccessKey },
  forcePathStyle: true,
  maxAttempts: 1,
  // Without throwOnRequestTimeout the SDK only warns when a request exceeds requestTimeout, and a
  // store that accepts the connection but never answers would hold this check for ever.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
});
const until = Date.now() + Number(timeout);
let created = false;
for (;;) {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    created = true;
  } catch (err) {
    if (err.name === 'BucketAlreadyOwnedByYou' || err.name === 'BucketAlreadyExists') created = true;
  }
  if (created || Date.now() > until) break;
  await sleep(250);
}
client.destroy();
process.exit(created ? 0 : 1);
