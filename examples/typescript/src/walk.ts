// A walk through practica's main flows with a client typed from openapi.yaml: every
// path, parameter, body and answer below is checked by tsc against the contract.
//
//   npm ci && npm run generate && npm run build
//   node dist/walk.js BASE_URL ADMIN_PASSWORD
import { createHash, randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Problem = components["schemas"]["Problem"];

const [baseUrl, adminPassword] = process.argv.slice(2);
if (!baseUrl || !adminPassword) {
  console.error("usage: node dist/walk.js BASE_URL ADMIN_PASSWORD");
  process.exit(2);
}

const api = createClient<paths>({ baseUrl });

function fail(step: string, status: number, problem: unknown): never {
  console.error(`FAILED ${step}: ${status}`, JSON.stringify(problem));
  process.exit(1);
}

function say(step: string, detail: string): void {
  console.log(`== ${step} ... ${detail}`);
}

async function logIn(username: string, password: string): Promise<string> {
  const { data, error, response } = await api.POST("/api/v1/auth/login", {
    body: { username, password },
  });
  if (!data) fail(`log in as ${username}`, response.status, error);
  say(`log in as ${username}`, `${response.status}, token for ${data.expiresIn} s`);
  return data.accessToken;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const admin = await logIn("admin", adminPassword);
const username = `ts-${Date.now()}`;
const password = randomUUID();
{
  const { data, error, response } = await api.POST("/api/v1/users", {
    headers: bearer(admin),
    body: {
      username,
      password,
      displayName: "Dr TypeScript",
      roles: ["clinician"],
      specialty: "Family medicine",
      // why: this walk chose the password itself; an account made for a person would
      // leave this out and have its owner choose one at first sign-in.
      passwordChangeRequired: false,
    },
  });
  if (!data) fail("create a clinician", response.status, error);
  say("create a clinician", `${response.status} ${data.username}`);
}
const clinician = await logIn(username, password);

// Register a patient, with an Idempotency-Key so that a retry cannot register twice.
const registered = await api.POST("/api/v1/patients", {
  headers: { ...bearer(clinician), "Idempotency-Key": randomUUID() },
  body: {
    givenName: "Grace",
    familyName: "Hopper",
    birthDate: "1906-12-09",
    sex: "female",
    address: { lines: [] },
  },
});
if (!registered.data) fail("register a patient", registered.response.status, registered.error);
const patient = registered.data;
const etag = registered.response.headers.get("etag");
if (!etag) fail("register a patient", registered.response.status, "no ETag");
say("register a patient", `${registered.response.status} ${patient.mrn}, ETag ${etag}`);

// Change it under If-Match; the same change at the old version is refused with 412.
const details = {
  givenName: patient.givenName,
  familyName: patient.familyName,
  birthDate: patient.birthDate,
  sex: patient.sex,
  address: patient.address,
  phone: "+1 555-0100",
};
const updated = await api.PUT("/api/v1/patients/{id}", {
  params: { path: { id: patient.id }, header: { "If-Match": etag } },
  headers: bearer(clinician),
  body: details,
});
if (!updated.data) fail("update the patient", updated.response.status, updated.error);
say("update the patient", `${updated.response.status}, version ${updated.data.version}`);

const stale = await api.PUT("/api/v1/patients/{id}", {
  params: { path: { id: patient.id }, header: { "If-Match": etag } },
  headers: bearer(clinician),
  body: { ...details, phone: "+1 555-0199" },
});
if (stale.response.status !== 412) fail("a stale update", stale.response.status, stale.error);
const conflict = stale.error as Problem;
say("a stale update", `412 ${conflict.code}: reload, then decide`);

// Upload a document and download it whole; the bytes must come back unchanged.
const text = `Referral letter for ${patient.mrn}\n`.repeat(200);
const sent = new TextEncoder().encode(text);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const uploaded = await api.POST("/api/v1/patients/{id}/documents", {
  params: {
    path: { id: patient.id },
    query: { title: "Referral letter", category: "referral" },
    header: { "Content-Type": "text/plain" },
  },
  headers: bearer(clinician),
  body: text,
  bodySerializer: (body) => body,
});
if (!uploaded.data) fail("upload a document", uploaded.response.status, uploaded.error);
say("upload a document", `${uploaded.response.status}, ${uploaded.data.size} bytes`);

const downloaded = await api.GET("/api/v1/documents/{id}/content", {
  params: { path: { id: uploaded.data.id } },
  headers: bearer(clinician),
  parseAs: "arrayBuffer",
});
if (!downloaded.data) fail("download it", downloaded.response.status, downloaded.error);
const received = new Uint8Array(downloaded.data);
if (sha256(received) !== sha256(sent)) fail("download it", 200, "the bytes differ");
say("download it", `${downloaded.response.status}, sha256 ${sha256(received).slice(0, 16)}... matches`);

const out = await api.POST("/api/v1/auth/logout", { headers: bearer(clinician) });
const refused = await api.GET("/api/v1/me", { headers: bearer(clinician) });
if (refused.response.status !== 401) fail("the token after logout", refused.response.status, refused.data);
say("log out", `${out.response.status}; the token is refused after (401)`);
console.log("typed walk passed");
