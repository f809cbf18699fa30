// practica in a real browser (headless Chromium, driven by playwright-core):
//
// 1. A single-page app served from another origin signs in, registers a patient, reads
//    its ETag and updates it with If-Match, all through fetch: the server's CORS grant
//    (cors_allowed_origins) must allow the headers sent and expose those read.
// 2. The same page served from an origin not on the list cannot read any answer.
// 3. Swagger UI at /docs/ shows every tag and operation of the contract, and with a
//    token given to Authorize, "Try it out" on GET /api/v1/me answers 200.
//
//   node checks.mjs BASE_URL ADMIN_PASSWORD
// The server must allow the origin http://127.0.0.1:5173 (and not http://localhost:5174).
// CHROMIUM names the browser (default /usr/bin/chromium, Debian's package).
import { createServer } from "node:http";
import { chromium } from "playwright-core";

const [base, adminPassword] = process.argv.slice(2);
if (!base || !adminPassword) {
  console.error("usage: node checks.mjs BASE_URL ADMIN_PASSWORD");
  process.exit(2);
}
const ALLOWED = { host: "127.0.0.1", port: 5173 };
const OTHER = { host: "localhost", port: 5174 };

const failures = [];
function check(what, ok, detail) {
  console.log(`== ${what} ... ${ok ? "ok" : "FAILED"}${detail ? ` (${detail})` : ""}`);
  if (!ok) failures.push(what);
}

// The app: an empty page; the test runs its code in the page, as the app's own script.
const page = "<!doctype html><title>a clinic app</title><p>app</p>";
const servers = [ALLOWED, OTHER].map(({ host, port }) =>
  createServer((_, response) => response.writeHead(200, { "content-type": "text/html" }).end(page))
    .listen(port, host),
);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const tab = await browser.newPage();

  // 1. The allowed origin: the whole flow through fetch.
  await tab.goto(`http://${ALLOWED.host}:${ALLOWED.port}/`);
  const flow = await tab.evaluate(({ base, adminPassword }) => (async () => {
    const json = { "content-type": "application/json" };
    const call = async (method, path, token, body, headers = {}) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...json, ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, etag: response.headers.get("etag"),
               requestId: response.headers.get("x-request-id"),
               body: await response.json().catch(() => null) };
    };
    const admin = await call("POST", "/api/v1/auth/login", null, { username: "admin", password: adminPassword });
    const username = `spa-${Date.now()}`;
    const password = crypto.randomUUID();
    const made = await call("POST", "/api/v1/users", admin.body.accessToken, {
      username, password, displayName: "Dr Browser", roles: ["clinician"], specialty: "Family medicine", passwordChangeRequired: false });
    const signedIn = await call("POST", "/api/v1/auth/login", null, { username, password });
    const token = signedIn.body.accessToken;
    const patient = { givenName: "Ada", familyName: "Browser", birthDate: "1990-05-01", sex: "female", address: { lines: [] } };
    const created = await call("POST", "/api/v1/patients", token, patient,
      { "idempotency-key": crypto.randomUUID(), "x-request-id": "spa-register" });
    const updated = await call("PUT", `/api/v1/patients/${created.body.id}`, token,
      { ...patient, phone: "+1 555-0100" }, { "if-match": created.etag });
    const stale = await call("PUT", `/api/v1/patients/${created.body.id}`, token,
      { ...patient, phone: "+1 555-0199" }, { "if-match": created.etag });
    return { admin: admin.status, made: made.status, created: created.status, etag: created.etag,
             requestId: created.requestId, updated: updated.status, newEtag: updated.etag,
             stale: stale.status, token };
  })().catch((error) => ({ error: error.message })), { base, adminPassword });
  check("an app on an allowed origin signs in", flow.admin === 200 && flow.made === 201, flow.error);
  if (flow.error) throw new Error(`the app could not read an answer: ${flow.error}`);
  check("it registers a patient and reads its ETag", flow.created === 201 && flow.etag === '"1"',
    `ETag ${flow.etag}, X-Request-Id ${flow.requestId}`);
  check("it updates the patient with If-Match", flow.updated === 200 && flow.newEtag === '"2"',
    `ETag ${flow.newEtag}`);
  check("a stale If-Match is refused", flow.stale === 412);

  // 2. Another origin: the browser withholds every answer.
  await tab.goto(`http://${OTHER.host}:${OTHER.port}/`);
  const refused = await tab.evaluate(async (base) => {
    try {
      await fetch(`${base}/api/v1/auth/login`, { method: "POST",
        headers: { "content-type": "application/json" }, body: "{}" });
      return "read an answer";
    } catch (error) {
      return `refused: ${error.message}`;
    }
  }, base);
  check("an app on another origin is refused by the browser", refused.startsWith("refused"), refused);

  // 3. Swagger UI: every tag and operation, then Authorize and "Try it out".
  const contract = await (await fetch(`${base}/openapi.json`)).json();
  const operations = Object.values(contract.paths)
    .flatMap((item) => Object.keys(item).filter((key) => ["get", "put", "post", "delete", "patch"].includes(key)));
  await tab.goto(`${base}/docs/`);
  await tab.waitForSelector(".opblock", { timeout: 30_000 });
  const shownTags = await tab.locator(".opblock-tag-section").count();
  const shownOperations = await tab.locator(".opblock").count();
  check("Swagger UI shows every tag", shownTags === contract.tags.length, `${shownTags} of ${contract.tags.length}`);
  check("Swagger UI shows every operation", shownOperations === operations.length,
    `${shownOperations} of ${operations.length}`);
  await tab.click("button.authorize");
  await tab.fill(".auth-container input", flow.token);
  await tab.click(".auth-btn-wrapper button.authorize");
  await tab.click("button.btn-done");
  const me = tab.locator("#operations-users-get_me");
  await me.locator(".opblock-summary").click();
  await me.locator("button.try-out__btn").click();
  await me.locator("button.execute").click();
  const status = await me.locator(".live-responses-table .response .response-col_status").first()
    .textContent({ timeout: 15_000 });
  check('"Try it out" on GET /api/v1/me with the token', status?.trim() === "200", `status ${status?.trim()}`);
} finally {
  await browser.close();
  servers.forEach((server) => server.close());
}
if (failures.length) {
  console.error(`browser checks FAILED: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("browser checks passed");
