// Checks captured OCPP-J frames (one JSON array per line) against the official OCPP 2.1 JSON
// schemas, as typed-ocpp 1.6.2 ships them (docs/ocpp-research.md §2).
//
//   node validate.mjs FILE.jsonl... [--invalid BAD.jsonl...]
//
// FILE: every frame must conform. CALL (2) and SEND (6) payloads are validated against
// `<Action>Request` (a SEND's own schema name when it has no Request suffix); a CALLRESULT (3)
// against `<Action>Response` of the CALL with the same id seen before it (in any file); CALLERROR
// and CALLRESULTERROR (4, 5) must have 5 elements, an OCPP 2.x error code, a description of at
// most 255 characters and an object of details. Message ids are strings of at most 36 characters.
// BAD (--invalid): every frame must be refused by its schema; the CALLs that BAD's CALLRESULTs
// answer are read from FILE.
// Prints "N passed, M failed" and exits 1 on any failure (2 on bad usage or no frames at all).
//
// Our own ajv instance on purpose: typed-ocpp's validator uses removeAdditional (it deletes a
// forbidden property and then reports the frame valid) and knows only the 1.6 spelling
// "FormationViolation". strict:false because the OCA schemas put additionalProperties on enums.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import * as S from 'typed-ocpp/dist/ocpp21/schemas.js';

const ERROR_CODES = new Set([
  'FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented',
  'NotSupported', 'OccurrenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError',
  'RpcFrameworkError', 'SecurityError', 'TypeConstraintViolation',
]);

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const compiled = new Map();
function validator(name) {
  if (!compiled.has(name)) compiled.set(name, S[name] ? ajv.compile(S[name]) : null);
  return compiled.get(name);
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const idOk = (id) => typeof id === 'string' && [...id].length <= 36;

// Returns { structural: why-or-null, schema: why-or-null }: `structural` is a fault outside the
// payload schema (shape, unknown action, unmatched id), `schema` the ajv errors of the payload.
function check(frame, calls) {
  const fail = (why) => ({ structural: why, schema: null });
  const bySchema = (name, payload) => {
    const v = validator(name);
    if (!v) return fail(`no schema ${name}`);
    if (v(payload)) return { structural: null, schema: null };
    return { structural: null, schema: `${name}: ` + ajv.errorsText(v.errors, { dataVar: 'payload' }) };
  };
  if (!Array.isArray(frame)) return fail('not a JSON array');
  const [type, id] = frame;
  if (!idOk(id)) return fail(`message id ${JSON.stringify(id)} is not a string of at most 36 characters`);
  switch (type) {
    case 2:
    case 6: {
      if (frame.length !== 4) return fail(`${frame.length} elements, expected 4`);
      const [, , action, payload] = frame;
      if (typeof action !== 'string') return fail('action is not a string');
      if (!isObject(payload)) return fail('payload is not an object');
      if (type === 2) calls.set(id, action);
      const name = type === 6 && S[action] ? action : `${action}Request`;
      return bySchema(name, payload);
    }
    case 3: {
      if (frame.length !== 3) return fail(`${frame.length} elements, expected 3`);
      const action = calls.get(id);
      if (!action) return fail(`CALLRESULT for id ${id} answers no CALL seen before it`);
      if (!isObject(frame[2])) return fail('payload is not an object');
      return bySchema(`${action}Response`, frame[2]);
    }
    case 4:
    case 5: {
      if (frame.length !== 5) return fail(`${frame.length} elements, expected 5`);
      const [, , code, description, details] = frame;
      if (!ERROR_CODES.has(code)) return fail(`error code ${JSON.stringify(code)} is not an OCPP 2.x code`);
      if (typeof description !== 'string' || [...description].length > 255)
        return fail('description is not a string of at most 255 characters');
      if (!isObject(details)) return fail('error details is not an object');
      return { structural: null, schema: null };
    }
    default:
      return fail(`message type ${JSON.stringify(type)} is not one of 2..6`);
  }
}

function frames(file) {
  return readFileSync(file, 'utf8').split('\n').map((text, i) => ({ text, where: `${file}:${i + 1}` }))
    .filter(({ text }) => text.trim() !== '');
}

const args = process.argv.slice(2);
const split = args.indexOf('--invalid');
const good = split < 0 ? args : args.slice(0, split);
const bad = split < 0 ? [] : args.slice(split + 1);
if (good.length === 0 && bad.length === 0) {
  console.error('usage: node validate.mjs FILE.jsonl... [--invalid BAD.jsonl...]');
  process.exit(2);
}

const calls = new Map();
let passed = 0;
let failed = 0;
const report = (where, why) => { failed++; console.log(`FAIL ${where}: ${why}`); };

for (const file of good) {
  for (const { text, where } of frames(file)) {
    let frame;
    try { frame = JSON.parse(text); } catch (e) { report(where, `not JSON: ${e.message}`); continue; }
    const r = check(frame, calls);
    if (r.structural || r.schema) report(where, r.structural || r.schema);
    else passed++;
  }
}
for (const file of bad) {
  for (const { text, where } of frames(file)) {
    let frame;
    try { frame = JSON.parse(text); } catch (e) { report(where, `not JSON: ${e.message}`); continue; }
    const r = check(frame, calls);
    if (r.structural) report(where, `cannot check: ${r.structural}`);
    else if (!r.schema) report(where, 'expected the schema to refuse it, but it conforms');
    else passed++;
  }
}

console.log(`${passed} passed, ${failed} failed`);
if (passed + failed === 0) {
  console.error('no frames found');
  process.exit(2);
}
process.exit(failed > 0 ? 1 : 0);
