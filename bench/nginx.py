"""Debian's nginx for the bench and the tests: installed when absent, run in the foreground on loopback."""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PACKAGES = ("nginx-light", "nginx")
# The export's 304s need headers-more (server/static_delivery/nginx.py says why).
MODULE_PACKAGE = "libnginx-mod-http-headers-more-filter"
MODULE = Path("/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so")


def answers(probe, seconds):
    """True once probe() stops raising OSError (a server is up), False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            probe()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def nginx_binary():
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def _available(package):
    policy = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True).stdout
    return "Candidate:" in policy and "Candidate: (none)" not in policy


def ensure_nginx():
    """Install Debian's nginx (the light build when the release still has it) and headers-more unless there."""
    if nginx_binary() and MODULE.exists():
        return nginx_binary()
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _available(MODULE_PACKAGE):
        # A fresh machine has no package lists yet.
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    wanted = [] if nginx_binary() else [next((p for p in PACKAGES if _available(p)), PACKAGES[-1])]
    # The packages' own service is not used: nginx runs here in the foreground, on loopback, with its own prefix.
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *wanted, MODULE_PACKAGE], check=True, env=env)
    if not nginx_binary() or not MODULE.exists():
        raise SystemExit(f"apt-get did not install nginx and {MODULE_PACKAGE}")
    return nginx_binary()


class Nginx:
    """One nginx master with its own prefix folder, including the export's configuration."""

    def __init__(self, include, workdir, port, workers=1):
        self.workdir = Path(workdir)
        self.port = port
        self.workdir.mkdir(parents=True, exist_ok=True)
        user = "user root;\n" if os.geteuid() == 0 else ""
        temp = " ".join(f"{kind}_temp_path {self.workdir / kind};" for kind in
                        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        self.conf = self.workdir / "nginx.conf"
        self.conf.write_text(
            f"load_module {MODULE};\n{user}worker_processes {workers};\ndaemon off;\n"
            f"pid {self.workdir / 'nginx.pid'};\n"
            f"error_log {self.workdir / 'error.log'} warn;\nevents {{ worker_connections 4096; }}\n"
            f"http {{ access_log off; {temp} keepalive_requests 100000; include {include}; }}\n")
        self.process = None

    def _command(self, *extra):
        return [ensure_nginx(), "-p", str(self.workdir), "-e", str(self.workdir / "error.log"),
                "-c", str(self.conf), *extra]

    def check(self):
        """`nginx -t` on the configuration: its output, raising when nginx refuses it."""
        result = subprocess.run(self._command("-t"), capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(result.stderr)
        return result.stderr

    def start(self):
        self.check()
        self.process = subprocess.Popen(self._command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if answers(lambda: socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close(), 10):
            return self
        self.stop()
        raise RuntimeError(f"nginx did not listen on 127.0.0.1:{self.port}: {self.error_log()}")

    def reload(self):
        """What an operator runs after an export: new configuration, old workers finish their requests."""
        self.check()
        self.process.send_signal(signal.SIGHUP)
        time.sleep(0.5)

    def error_log(self):
        path = self.workdir / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
