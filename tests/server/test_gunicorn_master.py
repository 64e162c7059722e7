"""What an operator sees from gunicorn itself: no IP address in its log, and a bad agency file stopped once,
in the master, with one line and a non-zero exit (never a traceback per worker)."""

import re
import socket
import subprocess
import time

import pytest
from gunicorn_server import GUNICORN
from gunicorn_server import ROOT
from gunicorn_server import Gunicorn
from gunicorn_server import free_port
from gunicorn_server import request
from live_service import started_gunicorn

from server.db.migrate import upgrade_url
from server.logging_privacy import mask_addresses

ADDRESS = re.compile(r"\b127\.0\.0\.1\b|::1\b|::ffff:")


def raw_request(port, data):
    """Send bytes as they are (malformed on purpose) and return the status line gunicorn answers with."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(data)
        return connection.recv(200).split(b"\r\n", 1)[0].decode("latin-1")


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with the service's settings, demo on, stopped at teardown."""
    server = started_gunicorn(tmp_path)
    yield server
    server.stop()


def test_malformed_requests_leave_no_ip_address_in_the_log(gunicorn):
    too_long = raw_request(gunicorn.port, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    bad_header = raw_request(gunicorn.port, b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n")
    assert too_long.split()[1] == "414", too_long
    assert bad_header.split()[1] == "400", bad_header
    time.sleep(0.3)
    log = gunicorn.log()
    # gunicorn did log both refusals (so the check below is not vacuous), without the address they came from.
    assert log.count("Invalid request from ip=[address]") >= 2, log[-2000:]
    # Only where the service itself listens is an address, written as it is (it is nobody's visit).
    listening = f"Listening at: http://127.0.0.1:{gunicorn.port} ("
    assert listening in log, log[-2000:]
    others = [line for line in log.splitlines() if ADDRESS.search(line) and listening not in line]
    assert others == []


@pytest.mark.parametrize("text, expected", [
    ("Invalid request from ip=127.0.0.1: Invalid HTTP request line", "ip=[address]:"),
    ("peer 2001:db8::8a2e:370:7334 and fe80::1%eth0.", "peer [address] and [address]."),
    ("forwarded for 203.0.113.7, ::ffff:10.0.0.1", "for [address], [address]"),
])
def test_addresses_of_both_families_are_masked(text, expected):
    assert expected in mask_addresses(text)


@pytest.mark.parametrize("text", ["at 14:06:03 on 2026-11-29", "version 1.2.3", "deadbeef::cafe0", "1.2.3.4.5"])
def test_times_and_versions_are_left_alone(text):
    assert mask_addresses(text) == text


def test_a_bad_agency_file_stops_gunicorn_in_the_master_with_one_line(tmp_path):
    folder = tmp_path / "agencies"
    folder.mkdir()
    text = (ROOT / "agencies" / "dor.toml").read_text(encoding="utf-8")
    (folder / "dor.toml").write_text(text.replace("privacy_policy_url", "privacy_policy_ur"), encoding="utf-8")
    env = Gunicorn(workers=3, CONSENT_AGENCIES_DIR=str(folder), CONSENT_SECRET_KEYS="master-check-key-0123456789").env
    done = subprocess.run([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Traceback" not in output and "HaltServer" not in output
    assert "Booting worker" not in output, "workers were forked before the check"
    problems = [line for line in output.splitlines() if line.startswith("dor.toml:")]
    assert problems == ["dor.toml: field privacy_policy_url = (missing): Missing data for required field "
                        "(the file has privacy_policy_ur: a typo?)",
                        'dor.toml: field privacy_policy_ur = "https://www.mass.gov/privacypolicy": '
                        "Unknown field; did you mean privacy_policy_url?"]


def test_missing_keys_stop_the_packaged_settings_with_one_line(tmp_path):
    env = Gunicorn(workers=2, CONSENT_DEMO="0").env
    env["CONSENT_BIND"] = f"127.0.0.1:{free_port()}"
    done = subprocess.run([str(GUNICORN), "-c", "python:server.gunicorn_conf", "server:create_app()"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if "CONSENT_SECRET_KEYS" in line]
    assert len(lines) == 1 and lines[0].startswith("CONSENT_SECRET_KEYS is not set"), done.stderr
    assert "Traceback" not in done.stderr


def test_a_console_database_behind_the_code_closes_only_the_console(tmp_path):
    """Real gunicorn on a database at revision 0002: visitors served, the console 503 naming the command."""
    url = f"sqlite:///{tmp_path / 'behind.sqlite'}"
    upgrade_url(url, "0002")
    with Gunicorn(workers=2, CONSENT_DEMO="1", CONSENT_DATABASE_URL=url) as server:
        server.start()
        assert [request(server.port, "GET", path)[0] for path in ("/v1/dor/banner.js", "/v1/dor/notice",
                                                                   "/v1/demo/status")] == [200, 200, 200]
        opted = request(server.port, "POST", "/v1/demo/opt-out", body=b"{}",
                        headers={"Content-Type": "application/json", "Origin": server.url})
        assert opted[0] == 200
        status, page = request(server.port, "GET", "/console/login")
        assert status == 503 and b"run `consent-service db upgrade`" in page
        upgrade_url(url)
        assert request(server.port, "GET", "/console/login")[0] == 200
        assert "Traceback" not in server.log()
