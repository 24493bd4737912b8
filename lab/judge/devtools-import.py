#!/usr/bin/python3
# Reads a Trace Event Format file (atstrace --timeline) with an importer no
# one here wrote: the trace engine of Chromium's DevTools, the code behind
# the Performance panel's "Load profile", as Debian's chromium ships it.
# chrome://tracing, the other viewer the format was made for, is gone from
# current Chromium ("This site can't be reached" in 156).
#
#   devtools-import.py TRACE.json OUT.json
#
# Starts a headless chromium on a loopback port the kernel picks, loads the
# engine's module from the browser's own DevTools server, hands it the file
# and writes what the engine made of it:
#   {engine, events_in, events_kept, generic, bounds_us, processes: [{pid,
#    name, threads: [{tid, name, slices: {NAME: n}, slice_us: {NAME: us},
#    instants: {NAME: n}}]}]}
# slices are the engine's entries on the thread (complete events, what its
# flame chart draws); instants are counted from the events it kept. The
# browser and its profile directory are gone when this returns.
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # python3-websocket

ENGINE_JS = r"""
(async () => {
  const T = await import('/devtools/models/trace/trace.js');
  const events = JSON.parse(TRACE_TEXT);
  const model = T.TraceModel.Model.createWithAllHandlers();
  await model.parse(events, {metadata: {}, isFreshRecording: false});
  const pt = model.parsedTrace(0);
  const data = pt.data;
  const inc = (o, k, by) => { o[k] = (o[k] || 0) + by; };
  const instants = new Map();
  for (const e of pt.traceEvents) {
    if (e.ph !== 'i' && e.ph !== 'I') continue;
    const key = e.pid + '/' + e.tid;
    if (!instants.has(key)) instants.set(key, {});
    inc(instants.get(key), e.name, 1);
  }
  const processes = [];
  for (const [pid, p] of data.Renderer.processes) {
    const named = data.Meta.processNames.get(pid);
    const threads = [];
    for (const [tid, t] of p.threads) {
      const slices = {}, slice_us = {};
      for (const e of t.entries) {
        inc(slices, e.name, 1);
        inc(slice_us, e.name, e.dur || 0);
      }
      threads.push({tid, name: t.name ?? null, slices, slice_us,
                    instants: instants.get(pid + '/' + tid) || {}});
    }
    processes.push({pid, name: named?.args?.name ?? null, threads});
  }
  return JSON.stringify({events_in: events.length, events_kept: pt.traceEvents.length,
                         generic: data.Meta.traceIsGeneric,
                         bounds_us: {min: data.Meta.traceBounds.min, max: data.Meta.traceBounds.max},
                         processes});
})()
"""


def die(msg):
    print(f"devtools-import: {msg}", file=sys.stderr)
    sys.exit(2)


class Page:
    """One page target, driven over the DevTools protocol."""

    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=120)
        self.n = 0

    def call(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.n:
                if "error" in reply:
                    die(f"{method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            die("the trace engine threw: " + d.get("exception", {}).get("description", d.get("text", "?")))
        return r["result"].get("value")


def main():
    if len(sys.argv) != 3:
        die("usage: devtools-import.py TRACE.json OUT.json")
    trace, out = sys.argv[1:]
    text = open(trace, encoding="utf-8").read()
    browser = shutil.which("chromium", path="/usr/bin:/bin")
    if not browser:
        die("chromium is missing (make deps)")
    profile = tempfile.mkdtemp(prefix="devtools-import.")
    proc = None
    try:
        proc = subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
             "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(600):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if proc.poll() is not None:
                die(f"chromium exited {proc.returncode} before it listened")
            time.sleep(0.1)
        else:
            die("chromium did not listen within 60 s")
        port = int(open(port_file).read().split()[0])
        base = f"http://127.0.0.1:{port}"
        version = json.load(urllib.request.urlopen(base + "/json/version", timeout=30))["Browser"]
        targets = json.load(urllib.request.urlopen(base + "/json/list", timeout=30))
        page = Page([t for t in targets if t["type"] == "page"][0]["webSocketDebuggerUrl"])
        # the engine's module, from the browser's own DevTools server: the
        # DevTools app's page, so the module loads as it does in the panel
        page.call("Page.navigate", url=base + "/devtools/inspector.html")
        for _ in range(600):
            if page.evaluate("document.readyState") == "complete":
                break
            time.sleep(0.1)
        else:
            die("the DevTools page did not load within 60 s")
        result = json.loads(page.evaluate("const TRACE_TEXT = " + json.dumps(text) + ";\n" + ENGINE_JS))
        result = {"engine": f"DevTools trace engine of {version}", **result}
        with open(out, "w", encoding="utf-8") as f:
            json.dump(result, f)
            f.write("\n")
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
