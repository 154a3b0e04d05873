"""A small headless-Chromium driver for the browser tests, over the DevTools protocol on a
pipe (--remote-debugging-pipe: fd 3 to the browser, fd 4 back, messages ended by NUL).
Debian's chromium package is used as installed; nothing is downloaded. axe-core's
axe.min.js comes from the npm package .ci/run installs (or DPIA_AXE_JS)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AXE_PLACES = (ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js",)
# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Run in the page: every element whose text spills out of its box (its content is wider
# than the box and the box does not scroll or clip on purpose), and the page wider than
# the window.
OVERFLOW_JS = r"""
(() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    out.push(`page ${doc.scrollWidth}px wide in ${window.innerWidth}px`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg')) continue;
    let hidden = false;  // inside a visually hidden box (a table head kept for screen readers)
    for (let a = el; a && !hidden; a = a.parentElement) {
      const st = getComputedStyle(a);
      hidden = st.position === 'absolute' && a.offsetWidth <= 1;
    }
    if (hidden) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.position === 'absolute') continue;
    if (!['visible', ''].includes(style.overflowX)) continue;  // it scrolls or clips on purpose
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (text && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      const what = el.textContent.trim().slice(0, 60);
      out.push(`${el.tagName.toLowerCase()}: "${what}" needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
    }
  }
  return out;
})()
"""


def find_axe() -> Path:
    env = os.environ.get("DPIA_AXE_JS")
    for place in ([Path(env)] if env else []) + list(AXE_PLACES):
        if place.is_file():
            return place
    raise RuntimeError(
        "axe-core not found: run `npm install --prefix .ci/node axe-core@4` (as .ci/run does) "
        "or set DPIA_AXE_JS to axe.min.js"
    )


class Browser:
    """One headless Chromium; open() loads a page into the one tab."""

    def __init__(self) -> None:
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if exe is None:
            raise RuntimeError("Chromium is not installed: apt-get install chromium (as .ci/run does)")
        self.profile = tempfile.mkdtemp(prefix="dpia-chromium-")
        self._log = open(Path(self.profile) / "stderr.log", "w+b")  # noqa: SIM115 - closed in close()
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def fds() -> None:
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check",
             "--allow-file-access-from-files", "--hide-scrollbars", "--font-render-hinting=none",
             f"--user-data-dir={self.profile}", "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4, to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL, stderr=self._log,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buf = b""
        self._id = 0
        self.session = ""
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"}, timeout=30)["targetId"]
        except Exception as err:
            self._log.seek(0)
            err_text = self._log.read().decode(errors="replace")[-1500:]
            self.close()
            raise RuntimeError(f"Chromium did not start: {err} {err_text}") from err
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable")

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 60) -> Any:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if self.session:
            msg["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + timeout
        while True:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            if time.monotonic() > end or self.proc.poll() is not None:
                raise RuntimeError(f"{method}: no answer from Chromium")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError(f"{method}: Chromium closed the pipe")
            self._buf += chunk

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {
            "expression": expression, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, path: Path, width: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
        self.call("Page.navigate", {"url": path.resolve().as_uri()})
        end = time.monotonic() + 30
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > end:
                raise RuntimeError(f"{path} did not finish loading")
            time.sleep(0.05)

    def axe(self, axe_js: str) -> list[dict[str, Any]]:
        """axe-core's WCAG 2.2 A/AA violations on the open page."""
        if not self.evaluate("typeof axe !== 'undefined'"):
            self.evaluate(axe_js)
        options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        result = self.evaluate(
            f"axe.run(document, {options}).then(r => r.violations.map(v => ({{id: v.id, "
            f"impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}})))"
        )
        return list(result or [])

    def overflow(self) -> list[str]:
        return list(self.evaluate(OVERFLOW_JS) or [])

    def screenshot(self, out: Path) -> None:
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        out.write_bytes(base64.b64decode(data["data"]))

    def pdf(self, out: Path) -> None:
        data = self.call("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69,
                                             "preferCSSPageSize": True, "printBackground": True})
        out.write_bytes(base64.b64decode(data["data"]))

    def close(self) -> None:
        try:
            if self.session:
                self.session = ""
                self.call("Browser.close", timeout=5)
        except RuntimeError:
            pass
        finally:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            for fd in (self._to_browser, self._from_browser):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._log.close()
            shutil.rmtree(self.profile, ignore_errors=True)
