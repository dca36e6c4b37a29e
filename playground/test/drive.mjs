// Drives the playground page in headless Chromium through the DevTools
// protocol over a pipe (--remote-debugging-pipe: no port, no websocket, no
// npm package), as a user would: picks an example, types an error into the
// ruleset, then takes it back, and opens every example. Prints what it saw as one JSON object on
// stdout; tests/playground.rs judges it.
// Usage: node drive.mjs CHROMIUM PAGE.html PROFILE_DIR
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";

const [chromium, page, profile] = process.argv.slice(2);
// Only a guard against a page that never gets there; nothing is timed.
const WAIT_MS = 120000;

const browser = spawn(
  chromium,
  [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--remote-debugging-pipe",
    `--user-data-dir=${profile}`,
    "--window-size=1400,900",
    "about:blank",
  ],
  { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
);
let stderr = "";
browser.stderr.on("data", (d) => (stderr += d));

// Messages are JSON, each ended by a NUL byte, fd 3 in and fd 4 out.
let nextId = 1;
const waiting = new Map();
const seen = { console: [], exceptions: [], log: [], requests: [], steps: [], examples: [] };
let buffered = Buffer.alloc(0);
browser.stdio[4].on("data", (chunk) => {
  buffered = Buffer.concat([buffered, chunk]);
  let end;
  while ((end = buffered.indexOf(0)) >= 0) {
    const message = JSON.parse(buffered.subarray(0, end).toString("utf8"));
    buffered = buffered.subarray(end + 1);
    if (message.id && waiting.has(message.id)) {
      const { resolve, reject } = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) reject(new Error(`${message.error.message} (${JSON.stringify(message.error)})`));
      else resolve(message.result);
    } else if (message.method) {
      event(message.method, message.params);
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  const message = { id, method, params };
  if (sessionId) message.sessionId = sessionId;
  browser.stdio[3].write(JSON.stringify(message) + "\0");
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

function event(method, p) {
  if (method === "Runtime.consoleAPICalled") {
    seen.console.push({ type: p.type, text: p.args.map((a) => a.value ?? a.description ?? "").join(" ") });
  } else if (method === "Runtime.exceptionThrown") {
    const d = p.exceptionDetails;
    seen.exceptions.push(d.exception?.description ?? d.text);
  } else if (method === "Log.entryAdded") {
    seen.log.push({ level: p.entry.level, text: p.entry.text, url: p.entry.url ?? "" });
  } else if (method === "Network.requestWillBeSent") {
    seen.requests.push(p.request.url.slice(0, 200));
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  const on = (method, params) => send(method, params, sessionId);
  const js = async (expression) => {
    const r = await on("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  };
  const until = async (what, expression) => {
    const start = Date.now();
    for (;;) {
      // Before the page has loaded, its elements are not there yet.
      const v = await js(expression).catch(() => null);
      if (v) return v;
      if (Date.now() - start > WAIT_MS) throw new Error(`gave up waiting for ${what}: ${await js("document.getElementById('status')?.textContent").catch(String)}`);
      await sleep(100);
    }
  };
  for (const domain of ["Runtime", "Log", "Network", "Page"]) await on(`${domain}.enable`);
  await on("Page.navigate", { url: pathToFileURL(page).href });

  // The state of the page once it has evaluated: what the status says, the
  // diagnostics listed and the grades in the report.
  const snapshot = `(() => {
    const report = document.getElementById('report-html').contentDocument;
    return {
      status: document.getElementById('status').dataset.state,
      example: document.getElementById('example').value.replace('\\u0000', ' '),
      examples: document.getElementById('example').options.length,
      diagnostics: Array.from(document.querySelectorAll('#diagnostics li[data-code]')).map((li) => ({
        code: li.dataset.code,
        severity: li.dataset.severity,
        message: li.querySelector('.message').textContent,
        where: li.querySelector('.where').textContent.trim(),
      })),
      grades: report ? Array.from(report.querySelectorAll('span.grade')).map((s) => s.textContent) : [],
    };
  })()`;
  // The status is `state` and the report frame holds the latest report.
  const settled = (state) =>
    `(() => { const s = document.getElementById('status').dataset.state;
      const f = document.getElementById('report-html');
      return s ${state ? `=== '${state}'` : "!== 'pending'"} && f.dataset.loaded === f.dataset.shown; })()`;

  await until("the first evaluation", settled("ready"));
  await until("the report's grades", "document.getElementById('report-html').contentDocument.querySelector('span.grade') !== null");
  seen.steps.push({ step: "loaded", ...(await js(snapshot)) });

  // Type an error: `scale six_point` becomes `scale six_points`.
  const caret = await js(`(() => {
    const t = document.getElementById('ruleset');
    const at = t.value.indexOf('scale six_point') + 'scale six_point'.length;
    t.focus(); t.setSelectionRange(at, at); return at; })()`);
  if (caret < "scale six_point".length) throw new Error("the ruleset has no `scale six_point` to change");
  await on("Input.insertText", { text: "s" });
  await until("the diagnostic", settled("failed"));
  seen.steps.push({ step: "typed", ...(await js(snapshot)) });

  // Take it back, as a user would: one backspace.
  const key = { key: "Backspace", code: "Backspace", windowsVirtualKeyCode: 8, nativeVirtualKeyCode: 8 };
  await on("Input.dispatchKeyEvent", { type: "rawKeyDown", ...key });
  await on("Input.dispatchKeyEvent", { type: "keyUp", ...key });
  await until("the report again", settled("ready"));
  await until("the report's grades", "document.getElementById('report-html').contentDocument.querySelector('span.grade') !== null");
  seen.steps.push({ step: "fixed", ...(await js(snapshot)) });

  // Every example opens and is evaluated, its imports and extensions found.
  const count = await js("document.getElementById('example').options.length");
  for (let i = 0; i < count; i++) {
    await js(`(() => { const s = document.getElementById('example');
      s.selectedIndex = ${i}; s.dispatchEvent(new Event('change')); })()`);
    await until(`example ${i}`, settled(null));
    const { status, example, diagnostics, grades } = await js(snapshot);
    seen.examples.push({ example, status, errors: diagnostics.filter((d) => d.severity === "error"), grades: grades.length });
  }
}

let failure = null;
try {
  await main();
} catch (e) {
  failure = String(e.stack || e);
}
try {
  await Promise.race([send("Browser.close"), sleep(10000)]);
} catch {
  // Closing is best effort; the process is killed below if it stays.
}
browser.kill();
process.stdout.write(JSON.stringify({ failure, ...seen, stderr: failure ? stderr.slice(-4000) : "" }) + "\n");
process.exit(0);
