"""Embed trackers in the agency file (`embed` kind, links required as for scripts) and the served embeds.js."""

import gzip
import json
import os

from click.testing import CliRunner

from agency_files import valid_agency
from agency_files import write_agency
from server import create_app
from server.commands.check_config import check_config as check_config_command
from server.notice import SUPPORTED_LANGS
from server.notice import locale

KEYS = ["embeds-config-test-key-0123456789abcdef"]


def video_agency(**changes):
    """A valid agency whose one tracker is an embedded video."""
    data = valid_agency()
    data["trackers"][0].update({"id": "youtube", "vendor": "YouTube (Google)", "embed": "video"}, **changes)
    return data


def check_config(folder):
    unset = {name: None for name in os.environ if name.startswith("CONSENT_")}
    result = CliRunner().invoke(check_config_command, [str(folder)], env=unset)
    return result.exit_code, result.stdout.splitlines()


def test_an_embed_tracker_is_a_valid_tracker(tmp_path):
    write_agency(tmp_path, video_agency())
    assert check_config(tmp_path)[0] == 0


def test_an_embed_tracker_without_its_privacy_and_licence_links_is_named(tmp_path):
    data = video_agency()
    del data["trackers"][0]["privacy_url"]
    del data["trackers"][0]["license_url"]
    write_agency(tmp_path, data)
    code, lines = check_config(tmp_path)
    assert code == 1
    assert sorted(lines) == [
        "sample.toml: field trackers[0].license_url = (missing): Missing data for required field",
        "sample.toml: field trackers[0].privacy_url = (missing): Missing data for required field",
    ]


def test_an_unknown_embed_kind_is_named(tmp_path):
    write_agency(tmp_path, video_agency(embed="podcast"))
    code, lines = check_config(tmp_path)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith('sample.toml: field trackers[0].embed = "podcast": Must be one of')


def test_embeds_js_carries_the_trackers_and_every_language_and_revalidates(tmp_path):
    write_agency(tmp_path, video_agency())
    client = create_app({"AGENCIES_DIR": str(tmp_path), "SECRET_KEYS": KEYS}).test_client()
    response = client.get("/v1/sample/embeds.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    body = gzip.decompress(response.data).decode()
    assert "__CONSENT_EMBEDS__" not in body
    data = json.loads(body[body.index('{"mode"'):body.index("}}}", body.index('{"mode"')) + 3])
    assert data["trackers"] == {"youtube": {"vendor": "YouTube (Google)", "kind": "video"}}
    assert len(data["texts"]) == 12 and data["texts"]["es"]["load_video"] == "Cargar este video"
    again = client.get("/v1/sample/embeds.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/v1/nobody/embeds.js").status_code == 404


def test_the_snippet_declares_embed_trackers_as_frames_with_the_placeholders_script(tmp_path):
    write_agency(tmp_path, video_agency())
    app = create_app({"AGENCIES_DIR": str(tmp_path), "SECRET_KEYS": KEYS, "PUBLIC_URL": "https://consent.mass.gov"})
    snippet = app.test_client().get("/v1/sample/embed?format=text").get_data(as_text=True)
    assert '<iframe data-tracker="youtube" data-src="EMBED_URL"' in snippet
    assert '<script src="https://consent.mass.gov/v1/sample/embeds.js" async></script>' in snippet
    assert 'data-tracker="youtube" src="TRACKER_URL"' not in snippet


def test_every_language_has_the_placeholders_wording_with_the_providers_name():
    english = locale("en")["embeds"]
    for lang in SUPPORTED_LANGS:
        wording = locale(lang)["embeds"]
        assert set(wording) == set(english), lang
        assert all(value.strip() for value in wording.values()), lang
        assert all("{provider}" in wording[key] for key in ("blocked", "open", "load_note")), lang
        if lang != "en":
            assert wording["load_video"] != english["load_video"], f"{lang}: not translated"
