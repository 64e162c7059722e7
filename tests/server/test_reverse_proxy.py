"""The nginx example of docs/deployment.md, run for real in front of real gunicorn: responses gunicorn makes
itself (414) gain the security headers, and the service's own headers (its per-response CSP) pass through untouched."""

import http.client
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from gunicorn_server import free_port

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def readme_nginx_block(upstream_port, listen_port):
    """docs/deployment.md's example, with a plain loopback listener instead of TLS (no certificate here)."""
    deployment = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", deployment, re.S).group(1)
    lines = [line[2:] if line.startswith("  ") else line for line in block.splitlines()]
    lines = [line for line in lines if "ssl_certificate" not in line and "http2 on" not in line
             and not line.startswith("server { listen 80;")]
    conf = "\n".join(lines).replace("listen 443 ssl;", f"listen 127.0.0.1:{listen_port};")
    return conf.replace("proxy_pass http://127.0.0.1:8000;", f"proxy_pass http://127.0.0.1:{upstream_port};")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory, demo_gunicorn):
    """gunicorn (the service's settings, demo on; the process's shared one) behind the documented nginx."""
    folder = tmp_path_factory.mktemp("proxy")
    service = demo_gunicorn
    port = free_port()
    (folder / "nginx.conf").write_text(
        f"pid {folder}/nginx.pid; error_log {folder}/error.log; daemon off; events {{}}\n"
        f"http {{ client_body_temp_path {folder}; proxy_temp_path {folder};\n"
        f"{readme_nginx_block(service.port, port)}\n}}\n", encoding="utf-8")
    nginx = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    try:
        yield port, service.port
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        names = [name.lower() for name, _ in response.getheaders()]
        # Each security header once: nginx's fallback never doubles the service's own.
        assert names.count("content-security-policy") == 1 and names.count("x-content-type-options") == 1, names
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


def test_gunicorns_own_414_gets_the_security_headers(proxy):
    proxy, _ = proxy
    # Longer than gunicorn's request line limit (4094), shorter than nginx's buffers: gunicorn answers.
    status, headers = get(proxy, "/v1/demo/status?" + "a" * 6000)
    assert status == 414
    assert headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert headers["strict-transport-security"].startswith("max-age=")


def test_the_services_own_headers_pass_once_and_unchanged(proxy):
    proxy, _ = proxy
    status, headers = get(proxy, "/demo/")
    assert status == 200
    # The demo page's own CSP (with its nonce), not the fallback.
    assert "nonce-" in headers["content-security-policy"]
    status, headers = get(proxy, "/v1/demo/banner.js")
    assert status == 200 and headers["content-security-policy"].startswith("default-src 'none'")
    assert headers["x-content-type-options"] == "nosniff"


def test_gunicorn_trusts_the_proxys_https_from_loopback(proxy):
    # FORWARDED_ALLOW_IPS' default (loopback): the service itself sees https and sends HSTS.
    _, service = proxy
    status, headers = get(service, "/healthz", {"X-Forwarded-Proto": "https"})
    assert status == 200 and headers["strict-transport-security"].startswith("max-age=")
    status, headers = get(service, "/healthz")
    assert "strict-transport-security" not in headers
