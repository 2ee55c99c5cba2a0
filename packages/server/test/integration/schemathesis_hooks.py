# Loaded by schemathesis (SCHEMATHESIS_HOOKS) in api-contract.test.ts: tus bodies
# (`application/offset+octet-stream`, the creation-with-upload POST and PATCH) are raw bytes, sent
# the way schemathesis sends `application/octet-stream`.
import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
