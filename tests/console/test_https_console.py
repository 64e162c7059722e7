"""The console over https, as deployed: real Chromium, the README's nginx TLS block, real gunicorn (issue 19.1).

Staff sign in, file a waiver request, sign a statement and sign out through TLS; a state change whose Origin
(or, without one, Referer) is not the service's own is refused even with a valid session and CSRF token.
"""

import base64
import datetime
import hashlib
import http.client
import itertools
import json
import re
import shutil
import socket
import ssl
import subprocess
import time
from typing import NamedTuple
from urllib.parse import urlencode

import pytest
from gunicorn_server import ROOT
from gunicorn_server import Gunicorn
from gunicorn_server import free_port
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By

from console_browser import PASSWORD
from console_browser import Staff
from databases import new_sqlite_url
from extension.browser import launch_chrome
from server.db.clock import today as commonwealth_today

pytestmark = pytest.mark.browser
HOST = "consent.test"
CONSENT_SERVICE = ROOT / ".venv" / "bin" / "consent-service"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
KEYS = "https-console-key-0123456789abcdef"
AGENCY_NAME = "Massachusetts Department of Revenue"  # agencies/dor.toml, the checkout's example agency
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_databases = itertools.count(1)


def readme_tls_block(upstream_port, listen_port, certificate, key):
    """The README's nginx TLS example as written, on a loopback port with this test's certificate.

    `http2 on;` is nginx 1.25's spelling; Debian 12's 1.22 takes `http2` on the listen line: the same protocol.
    """
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    blocks = [block for document in documents
              for block in re.findall(r"```nginx\n(.*?)```", document.read_text(encoding="utf-8"), re.S)
              if "listen 443 ssl;" in block]
    assert blocks, "no ```nginx block with `listen 443 ssl;` in README.md or docs/"
    lines = [line[2:] if line.startswith("  ") else line for line in blocks[0].splitlines()]
    lines = [line for line in lines if "http2 on;" not in line and not line.startswith("server { listen 80;")]
    conf = "\n".join(lines)
    conf = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {certificate};", conf)
    conf = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", conf)
    conf = conf.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen_port} ssl http2;")
    return conf.replace("proxy_pass http://127.0.0.1:8000;", f"proxy_pass http://127.0.0.1:{upstream_port};")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for consent.test (and 127.0.0.1): its files and the SPKI pin Chromium trusts."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "consent.pem", folder / "consent.key"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={HOST}",
                    "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    public_pem = subprocess.run([OPENSSL, "x509", "-in", str(cert), "-pubkey", "-noout"], check=True,
                                capture_output=True, text=True, timeout=60).stdout
    spki = base64.b64decode("".join(line for line in public_pem.splitlines() if "-----" not in line))
    return cert, key, base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def consent_service(env, *args, stdin=None):
    """`consent-service ARGS` as an operator runs it; a failure fails the test."""
    done = subprocess.run([str(CONSENT_SERVICE), *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"consent-service {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def wait_for_port(port, process, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"nginx exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nginx did not listen on {port} within {seconds}s")


class Deployment:
    """gunicorn on a console database behind nginx with TLS; the service's public URL is https://consent.test:PORT."""

    def __init__(self, folder, database_url, certificate):
        self.port = free_port()
        self.base = f"https://{HOST}:{self.port}"
        self.service = Gunicorn(workers=1, log_dir=folder, CONSENT_SECRET_KEYS=KEYS, CONSENT_PUBLIC_URL=self.base,
                                CONSENT_DATABASE_URL=database_url)
        consent_service(self.service.env, "db", "upgrade")
        consent_service(self.service.env, "users", "add", "rita", "--role", "requester", "--password-stdin",
                        stdin=PASSWORD + "\n")
        consent_service(self.service.env, "users", "add", "ivan", "--role", "iso", "--password-stdin",
                        stdin=PASSWORD + "\n")
        self.service.start()
        cert, key, _ = certificate
        conf = folder / "nginx.conf"
        conf.write_text(f"pid {folder}/nginx.pid; error_log {folder}/error.log; daemon off; events {{}}\n"
                        f"http {{ client_body_temp_path {folder}; proxy_temp_path {folder};\n"
                        f"{readme_tls_block(self.service.port, self.port, cert, key)}\n}}\n", encoding="utf-8")
        self.nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.nginx)
        self.tls = ssl.create_default_context(cafile=str(cert))

    def stop(self):
        self.nginx.terminate()
        self.nginx.wait(timeout=10)
        self.service.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def deployment(request, tmp_path_factory, certificate):
    """The deployment on a fresh upgraded console database of each kind."""
    if request.param == "sqlite":
        url = new_sqlite_url(tmp_path_factory.mktemp("https-db"), request.getfixturevalue("upgraded_sqlite"))
    else:
        url = request.getfixturevalue("postgres_cluster").create_database(
            f"consent_https_{next(_databases)}", request.getfixturevalue("upgraded_postgres"))
    served = Deployment(tmp_path_factory.mktemp("https-proxy"), url, certificate)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def chrome(certificate):
    """Headless Chromium that finds consent.test on loopback and trusts only this test's certificate for it."""
    _, _, pin = certificate
    browser = launch_chrome(extension=False, extra_args=(
        "--lang=en-US", f"--host-resolver-rules=MAP {HOST} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--ignore-certificate-errors-spki-list={pin}"))
    yield browser.driver
    browser.quit()


def sign_in(person, name):
    """Staff.sign_in, failing with what the person saw instead of the next page."""
    try:
        return person.sign_in(name)
    except TimeoutException:
        raise AssertionError(f"{name} was not signed in; the page says: {person.text_of('body')[:300]}") from None


def test_staff_sign_in_file_a_waiver_sign_a_statement_and_sign_out_over_https(deployment, chrome):
    person = Staff(chrome, deployment.base)
    starts = commonwealth_today() + datetime.timedelta(days=14)

    sign_in(person, "rita")
    assert "Signed in as rita (requester)" in person.text_of(".sign-out")
    person.file_request(AGENCY_NAME, "_ga", starts, starts + datetime.timedelta(days=30))
    assert chrome.current_url.startswith(deployment.base + "/console/waivers/"), person.text_of("body")
    waiver_id = int(chrome.current_url.rsplit("/", 1)[1])
    assert person.heading() == f"Waiver {waiver_id}: dor"
    assert "Submitted" in person.text_of(".state-line")
    person.sign_out()

    sign_in(person, "ivan").open("/console/waivers")
    assert f"/console/waivers/{waiver_id}" in [link.get_attribute("href").replace(deployment.base, "")
                                              for link in chrome.find_elements(By.CSS_SELECTOR, "main a")]
    person.open("/console/agencies/dor/statement").type_into("title", "Information Security Officer")
    person.submit("Sign as ivan")
    assert person.text_of(".notice-ok").startswith("Signed: the statement of")
    assert "Signed by ivan, Information Security Officer" in person.text_of(".signed")
    person.sign_out()

    person.open("/console/")
    assert chrome.current_url == deployment.base + "/console/login?next=/console/"


class Answer(NamedTuple):
    status: int
    location: str | None
    text: str
    referrer_policy: str | None


class StaffClient:
    """A script speaking https to nginx (certificate verified for consent.test) with one console session cookie."""

    def __init__(self, deployment):
        self.deployment = deployment
        self.cookie = None

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPSConnection(HOST, self.deployment.port, timeout=15,
                                                 context=self.deployment.tls)
        # Straight to loopback: consent.test is never looked up; TLS still checks the name.
        connection.sock = self.deployment.tls.wrap_socket(
            socket.create_connection(("127.0.0.1", self.deployment.port), timeout=15), server_hostname=HOST)
        headers = dict(headers or {}, Accept="text/html")
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie and set_cookie.startswith("consent_console="):
            self.cookie = set_cookie.split(";", 1)[0]
        return Answer(response.status, response.getheader("Location"), text, response.getheader("Referrer-Policy"))

    def form_token(self, path):
        answer = self.request("GET", path)
        assert answer.status == 200, (path, answer.status, answer.text[:300])
        return CSRF_FIELD.search(answer.text).group(1)

    def post(self, path, fields, **headers):
        body = urlencode(fields)
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded", **headers})

    def signed_in(self):
        return self.request("GET", "/console/").status == 200


def test_a_forged_console_post_is_refused_even_with_the_session_and_its_token(deployment):
    own = deployment.base
    client = StaffClient(deployment)
    token = client.form_token("/console/login")
    answer = client.post("/console/login", {"name": "rita", "password": PASSWORD, "csrf_token": token,
                                            "next": "/console/"}, Origin=own, Referer=own + "/console/login")
    assert (answer.status, answer.location) == (303, "/console/"), answer.text[:300]
    token = client.form_token("/console/")

    forged = [
        ({"Origin": "https://evil.test"}, "https://evil.test"),
        ({"Origin": "null"}, "null"),
        ({"Origin": f"http://{HOST}:{deployment.port}"}, f"http://{HOST}:{deployment.port}"),
        ({"Referer": "https://evil.test/console/"}, "https://evil.test"),
        ({}, "missing"),
    ]
    for headers, named in forged:
        answer = client.post("/console/logout", {"csrf_token": token}, **headers)
        assert answer.status == 403, (headers, answer.status, answer.text[:300])
        error = json.loads(answer.text)["error"]
        assert error["field"] == ("Referer" if "Referer" in headers else "Origin"), (headers, error)
        assert named in error["message"], (headers, error)
        assert client.signed_in(), f"a POST with {headers} signed rita out"

    answer = client.post("/console/logout", {"csrf_token": token}, Origin=own)
    assert (answer.status, answer.location) == (303, "/console/login")
    assert not client.signed_in()


def test_a_sign_in_posted_from_another_site_is_refused(deployment):
    client = StaffClient(deployment)
    token = client.form_token("/console/login")
    answer = client.post("/console/login", {"name": "rita", "password": PASSWORD, "csrf_token": token},
                         Origin="https://evil.test", Referer="https://evil.test/")
    assert answer.status == 403 and "https://evil.test" in json.loads(answer.text)["error"]["message"]
    assert not client.signed_in()


def test_console_pages_send_referrers_only_to_the_service_and_public_answers_none(deployment):
    client = StaffClient(deployment)
    policies = {path: client.request("GET", path).referrer_policy for path in ("/console/login", "/v1/dor/notice", "/healthz")}
    assert policies == {"/console/login": "same-origin", "/v1/dor/notice": "no-referrer", "/healthz": "no-referrer"}
