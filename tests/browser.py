"""A real headless Chromium, driven over the DevTools protocol on a pipe (--remote-debugging-pipe: no port,
no extra package): opens a page with the network emulated offline and reports its console errors, uncaught
exceptions, log errors and every request that was not for the page's own file, then evaluates a
JavaScript expression and takes a screenshot."""
from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TIMEOUT = 60.0


@dataclass
class PageRun:
    errors: list[str] = field(default_factory=list)  # console.error, uncaught exceptions, log entries of level error
    requests: list[str] = field(default_factory=list)  # URLs other than the page's file
    value: object = None  # what the expression evaluated to


class Chromium:
    """`with Chromium() as browser: browser.open(path, expression, screenshot)`."""

    def __init__(self, width: int = 1400, height: int = 1800):
        self.size = (width, height)
        self.next_id = 0
        self.buffer = b""

    def __enter__(self) -> Chromium:
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()

        def as_fds_3_and_4():  # the DevTools pipe: the browser reads commands on fd 3, answers on fd 4
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser_read, from_browser_write)]
            for fd, target in zip(high, (3, 4)):
                os.dup2(fd, target)
                os.set_inheritable(target, True)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--hide-scrollbars",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--proxy-server=127.0.0.1:9", f"--window-size={self.size[0]},{self.size[1]}", "about:blank"],
            preexec_fn=as_fds_3_and_4, close_fds=False,  # only inheritable fds, 3 and 4, reach the browser
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.send("Browser.close")
        except (OSError, TimeoutError):
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             events: list[dict] | None = None) -> dict:
        """Sends a command and returns its result; events that arrive meanwhile go to `events`."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            if events is not None and "method" in reply:
                events.append(reply)

    def receive(self, deadline: float | None = None) -> dict:
        deadline = deadline or time.monotonic() + TIMEOUT
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no message from Chromium")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise OSError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, page: Path, expression: str, screenshot: Path) -> PageRun:
        """Loads `page` offline, waits for its load event, evaluates `expression`, saves a full-page PNG."""
        events: list[dict] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method, params in [
            ("Runtime.enable", {}), ("Log.enable", {}), ("Page.enable", {}), ("Network.enable", {}),
            ("Network.emulateNetworkConditions",
             {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
            ("Emulation.setDeviceMetricsOverride",
             {"width": self.size[0], "height": self.size[1], "deviceScaleFactor": 1, "mobile": False}),
        ]:
            self.send(method, params, session, events)
        events.clear()  # about:blank's
        self.send("Page.navigate", {"url": page.resolve().as_uri()}, session, events)
        deadline = time.monotonic() + TIMEOUT
        while not any(e["method"] == "Page.loadEventFired" for e in events):
            events.append(self.receive(deadline))
        value = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session, events)
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session, events)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        run = PageRun(value=value["result"].get("value"))
        for event in events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                run.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                run.errors.append(details.get("exception", {}).get("description") or details["text"])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                run.errors.append(params["entry"]["text"])
            elif method == "Network.requestWillBeSent" and params["request"]["url"] != page.resolve().as_uri():
                run.requests.append(params["request"]["url"])
        return run
