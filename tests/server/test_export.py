"""`consent-service export DIR` behind Debian's nginx answers like the service: same bytes, same headers."""

import gzip
import http.client
import json
import os
import socket
from pathlib import Path

import brotli
import pytest
from serving import AppServer
from serving import load_bench

from server import create_app
from suite_keys import SHARED_KEYS

nginx_bench = load_bench("nginx")

HOST = "consent.test"
ENCODINGS = ["", "gzip", "br", "gzip, deflate, br, zstd", "br;q=0, gzip", "gzip;q=0", "identity", "*",
             "*;q=0, gzip", "br;q=0, *", "gzip;q=0.5, BR;q=0.1"]
ORIGINS = [None, "https://www.mass.gov", "https://evil.example", f"http://{HOST}"]
PATHS = ["/v1/demo/banner.js", "/v1/dor/banner.js", "/v1/demo/notice", "/v1/dor/notice"]
LANGUAGES = ["", "es", "es-MX, es;q=0.5", "en-US,en;q=0.9", "fr, es;q=0.4", "es;q=0", "pt-BR,pt;q=0.9", "zh-TW",
             "zh-Hans-CN", "*"]
# Written by each server for itself, not part of the answer.
HOP_HEADERS = {"date", "server", "connection", "keep-alive", "transfer-encoding"}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port, path, headers=None, method="GET"):
    """(status, sorted headers, body) of one request with an explicit Host (the CORS own-origin check reads it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    kept = sorted((name.lower(), value) for name, value in response.getheaders() if name.lower() not in HOP_HEADERS)
    return response.status, kept, body


@pytest.fixture(scope="module")
def site(tmp_path_factory, agencies_dir):
    """The service on loopback, its export, and nginx serving the export with the service as upstream."""
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(SHARED_KEYS), "DEMO": True})
    service = AppServer(app, quiet=True).start()
    folder = tmp_path_factory.mktemp("export")
    port = _free_port()
    result = app.test_cli_runner().invoke(
        args=["export", str(folder), "--upstream", service.url, "--listen", f"127.0.0.1:{port}"])
    assert result.exit_code == 0, result.output
    nginx = nginx_bench.Nginx(folder / "current" / "consent-nginx.conf", tmp_path_factory.mktemp("nginx"), port)
    nginx.start()
    yield {"app": app, "folder": folder, "service": service.port, "nginx": port, "server": nginx,
           "agencies_dir": agencies_dir}
    nginx.stop()
    service.stop()


def _same(site, path, headers, method="GET"):
    direct = fetch(site["service"], path, headers, method)
    served = fetch(site["nginx"], path, headers, method)
    assert served == direct, f"{method} {path} {headers}"
    return served


def test_files_are_the_service_answers_in_every_coding(site):
    """Each agency: banner.js, its hashed name and each notice, plain, .gz and .br, decompress to the same bytes."""
    public = site["folder"] / "current" / "public"
    client = site["app"].test_client()
    for agency in ("demo", "dor"):
        script = client.get(f"/v1/{agency}/banner.js").get_data()
        for name in ("banner.js", *[p.name for p in (public / "v1" / agency).glob("banner.*.js")]):
            path = public / "v1" / agency / name
            assert path.read_bytes() == script
            assert gzip.decompress(Path(f"{path}.gz").read_bytes()) == script
            assert brotli.decompress(Path(f"{path}.br").read_bytes()) == script
        for lang in ("en", "es"):
            notice = client.get(f"/v1/{agency}/notice?lang={lang}").get_data()
            assert (public / "v1" / agency / f"notice.{lang}").read_bytes() == notice
            assert brotli.decompress((public / "v1" / agency / f"notice.{lang}.br").read_bytes()) == notice
    table = json.loads((site["folder"] / "current" / "headers.json").read_text())
    assert {entry["agency"] for entry in table.values()} == {"demo", "dor"}
    assert "nginx" in (site["folder"] / "current" / "CDN.md").read_text()


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("path", PATHS)
def test_nginx_answers_as_the_service(site, path, encoding, origin):
    """200, 304 (exact, weak, listed, *), a stale validator and HEAD: status, headers and body are the service's."""
    headers = {"Accept-Encoding": encoding, **({"Origin": origin} if origin else {})}
    status, answer, _ = _same(site, path, headers)
    assert status == 200
    etag = dict(answer)["etag"]
    for validator in (etag, "W/" + etag, f'"other", {etag}', "*", '"stale"', '"a", *', f"x {etag}"):
        _same(site, path, {**headers, "If-None-Match": validator})
    _same(site, path, headers, method="HEAD")


@pytest.mark.parametrize("path", PATHS)
def test_nginx_reads_validators_as_werkzeug_does(site, path):
    """A lower-case weak mark, an unquoted tag, a weak one in a list, junk before a comma: the service's 200 or 304."""
    etag = dict(_same(site, path, {"Accept-Encoding": "gzip"})[1])["etag"]
    bare = etag.strip('"')
    expected = {"w/" + etag: 304, bare: 304, "W/" + bare: 304, f'"a", W/{etag}': 304, f'"a" junk, {etag}': 304,
                '"a", W/"b"': 200, f"{bare}x": 200, f'"a" {etag}': 200}
    for validator, status in expected.items():
        assert _same(site, path, {"Accept-Encoding": "br", "If-None-Match": validator})[0] == status, validator


@pytest.mark.parametrize("accept_language", LANGUAGES)
def test_notice_language(site, accept_language):
    """The notice in the language the service would pick; mixed languages are passed to the service."""
    status, _, body = _same(site, "/v1/demo/notice", {"Accept-Language": accept_language, "Accept-Encoding": "br"})
    assert status == 200
    _same(site, "/v1/demo/notice?lang=es", {"Accept-Language": accept_language})


def test_the_rest_is_proxied(site):
    """Opt-out, status, choices, errors and content-hashed names that do not exist: the service answers."""
    assert _same(site, "/v1/demo/status", {})[0] == 200
    assert _same(site, "/v1/nobody/banner.js", {})[0] == 404
    assert _same(site, "/v1/demo/banner.js", {}, method="POST")[0] == 405
    assert _same(site, "/v1/demo/notice?lang=<x>", {})[0] == 422
    assert _same(site, "/v1/demo/banner.0000000000000000.js", {})[0] == 404
    status, _, body = fetch(site["nginx"], "/v1/demo/opt-out", {"Origin": "http://127.0.0.1:8000"}, "POST")
    assert status == 200 and json.loads(body)["opted_out"] is True


def test_reexport_after_a_config_change_switches_atomically(site, tmp_path):
    """A new agency: the new build appears whole beside the old, `current` flips, nginx serves it after reload."""
    folder = site["folder"]
    old_build = Path(os.readlink(folder / "current")).name
    old_files = {p: p.read_bytes() for p in (folder / "builds" / old_build).rglob("*") if p.is_file()}
    agencies = tmp_path / "agencies"
    agencies.mkdir()
    for path in Path(site["agencies_dir"]).glob("*.toml"):
        text = path.read_text().replace('name = "', 'name = "Renamed ', 1)
        (agencies / path.name).write_text(text)
    app = create_app({"AGENCIES_DIR": str(agencies), "SECRET_KEYS": list(SHARED_KEYS), "DEMO": True})
    result = app.test_cli_runner().invoke(args=["export", str(folder), "--upstream", "http://127.0.0.1:9",
                                                "--listen", f"127.0.0.1:{site['nginx']}"])
    assert result.exit_code == 0, result.output
    new_build = Path(os.readlink(folder / "current")).name
    assert new_build != old_build
    # The build nginx still serves is untouched until it reloads.
    assert {p: p.read_bytes() for p in (folder / "builds" / old_build).rglob("*") if p.is_file()} == old_files
    assert fetch(site["nginx"], "/v1/dor/banner.js")[2] == old_files[folder / "builds" / old_build / "public" /
                                                                      "v1" / "dor" / "banner.js"]
    site["server"].reload()
    renamed = fetch(site["nginx"], "/v1/dor/banner.js")[2]
    assert b"Renamed" in renamed
    assert renamed == app.test_client().get("/v1/dor/banner.js").get_data()
    assert not list((folder / "builds").glob(".incoming-*"))


def test_refuses_a_folder_it_did_not_make(app, tmp_path):
    """A `current` that is a real folder (someone's files) is left alone, with one line saying what to do."""
    (tmp_path / "current").mkdir()
    (tmp_path / "current" / "theirs.txt").write_text("keep me")
    result = app.test_cli_runner().invoke(args=["export", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path / 'current'}: exists and is not a link made by a previous export; "
        "move it away or export to an empty folder"]
    assert (tmp_path / "current" / "theirs.txt").read_text() == "keep me"
    assert not (tmp_path / "builds").exists() or not any((tmp_path / "builds").iterdir())


@pytest.mark.parametrize(("option", "value"), [
    ("--upstream", "127.0.0.1:8000"), ("--upstream", "http://x; include /etc/passwd"), ("--upstream", "ftp://x"),
    ("--listen", "80; include /etc/shadow"), ("--listen", "80 { }"),
])
def test_bad_options_are_one_line_naming_the_option(app, tmp_path, option, value):
    """Nothing that could end an nginx directive gets into the configuration; the error names option and value."""
    result = app.test_cli_runner().invoke(args=["export", str(tmp_path), option, value])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith(f"Error: {option} = {value!r}: ")
    assert not (tmp_path / "current").exists()


def _export(app, folder):
    result = app.test_cli_runner().invoke(args=["export", str(folder)])
    assert result.exit_code == 0, result.output
    return Path(os.readlink(folder / "current")).name


def test_prunes_only_builds_it_made(app, tmp_path):
    """Folders beside the builds, someone's folder among them and a link out of them survive three exports."""
    (tmp_path / "builds" / "theirs").mkdir(parents=True)
    (tmp_path / "builds" / "theirs" / "keep.txt").write_text("keep me")
    (tmp_path / "builds" / ".incoming-theirs").mkdir()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "folder").mkdir(parents=True)
    (elsewhere / "folder" / "keep.txt").write_text("keep me too")
    (tmp_path / "builds" / "linked").symlink_to(elsewhere)
    (tmp_path / "beside").mkdir()

    made = [_export(app, tmp_path) for _ in range(3)]

    assert sorted(p.name for p in (tmp_path / "builds").iterdir()) == sorted(
        [".incoming-theirs", "linked", "theirs", *made[1:]])
    assert (tmp_path / "builds" / "theirs" / "keep.txt").read_text() == "keep me"
    assert (elsewhere / "folder" / "keep.txt").read_text() == "keep me too"
    assert (tmp_path / "beside").is_dir()


def test_refuses_a_symlinked_builds(app, tmp_path):
    """`builds` as a link is refused with one line: pruning would reach into the link's target."""
    target = tmp_path / "target"
    (target / "someone").mkdir(parents=True)
    (target / "someone" / "keep.txt").write_text("keep me")
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "builds").symlink_to(target)

    result = app.test_cli_runner().invoke(args=["export", str(folder)])

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {folder / 'builds'}: is a symbolic link; export writes and prunes only a real folder there "
        "(remove the link or export elsewhere)"]
    assert sorted(p.name for p in target.rglob("*")) == ["keep.txt", "someone"]
    assert not (folder / "current").exists()
