// Validates an AsyncAPI document with the official parser, and each Avro payload it references
// with the official Avro schema parser (the AsyncAPI 3 parser converts Avro payloads to JSON
// Schema without validating them, so that step is explicit here).
// Usage: node validate.mjs path/to/asyncapi.yaml
// Prints every diagnostic; exits 1 when any is an error, 2 on wrong usage.
import { Parser, fromFile, DiagnosticSeverity } from '@asyncapi/parser';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';

const path = process.argv[2];
if (!path) {
  console.error('usage: node validate.mjs ASYNCAPI_FILE');
  process.exit(2);
}

const avro = AvroSchemaParser();
const parser = new Parser();
parser.registerSchemaParser(avro);

const { document, diagnostics } = await fromFile(parser, path).parse();
const severities = { 0: 'error', 1: 'warning', 2: 'information', 3: 'hint' };
let errors = 0;
for (const d of diagnostics) {
  const where = d.path.length ? d.path.join('.') : '(document)';
  console.log(`${severities[d.severity]} ${d.code}: ${d.message} at ${where}`);
  if (d.severity === DiagnosticSeverity.Error) errors += 1;
}
if (!document) {
  console.log(`invalid: ${errors} error(s)`);
  process.exit(1);
}

let avroPayloads = 0;
for (const message of document.messages().all()) {
  const payload = message.json().payload ?? {};
  if (!avro.getMimeTypes().includes(payload.schemaFormat)) continue;
  const original = payload['x-parser-original-payload'] ?? payload.schema;
  const problems = await avro.validate({ data: original, path: ['messages', message.id()] });
  for (const problem of problems) {
    console.log(`error avro-schema: ${problem.message} at ${problem.path.join('.')}`);
    errors += 1;
  }
  avroPayloads += 1;
}

if (errors) {
  console.log(`invalid: ${errors} error(s)`);
  process.exit(1);
}
console.log(`valid AsyncAPI ${document.version()}: ${document.channels().length} channels, `
  + `${document.messages().length} messages (${avroPayloads} Avro payloads), `
  + `${document.operations().length} operations`);
