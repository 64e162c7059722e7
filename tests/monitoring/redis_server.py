"""Debian's redis-server on a loopback port, started and stopped by the tests (a missing one FAILS the run)."""

import shutil
import subprocess
import tempfile
import time

import redis

from smtp_inbox import free_port

REDIS_SERVER = "/usr/bin/redis-server"


class RedisServer:
    """A private Redis: no persistence, loopback only, its folder removed afterwards."""

    def __init__(self):
        if not shutil.which(REDIS_SERVER):
            raise RuntimeError("redis-server is not installed: run `make test` (it installs Debian's redis-server)")
        self.folder = tempfile.mkdtemp(prefix="consent-redis-")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        """Start it and wait until it answers PING (30 s at most, else the run fails)."""
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.folder, "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 30
        while True:
            try:
                if client.ping():
                    return self
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.1)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
