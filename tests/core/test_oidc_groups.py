"""The single sign-on groups file and settings: what a person's groups give, and every mistake as one line naming
the file (or variable), the field and the value; `check-config` and the start-up check report them."""

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from server.commands.check_config import check_config
from server.commands.check_config import startup_problems
from server.core import settings
from server.core.directory_groups import GroupsFileError
from server.core.directory_groups import load_groups_file
from server.core.directory_groups import parse_groups
from server.core.settings import ConfigError

REPO = Path(__file__).resolve().parents[2]
GOOD = """\
[[groups]]
group = "6f1c2b9e-0000-4000-8000-00000000aaaa"
roles = ["admin"]

[[groups]]
group = "waiver-desk"
roles = ["requester", "reviewer"]
agencies = ["dor"]

[[groups]]
group = "dor-qa"
roles = ["qa"]
agencies = ["dor", "demo"]
"""
ISSUER = "https://login.microsoftonline.com/0000-tenant/v2.0"
SSO = {"CONSENT_OIDC_ISSUER": ISSUER, "CONSENT_OIDC_CLIENT_ID": "app-id",
       "CONSENT_OIDC_CLIENT_SECRET": "a-secret-never-shown", "CONSENT_OIDC_GROUPS_FILE": "/etc/consent/groups.toml"}


def test_a_person_s_groups_give_the_union_of_their_roles_and_agencies():
    groups = parse_groups("groups.toml", GOOD)
    desk = groups.access_for(["waiver-desk", "not-mapped"])
    assert (desk.roles, desk.agencies, desk.groups) == ({"requester", "reviewer"}, {"dor"}, ("waiver-desk",))
    both = groups.access_for(["dor-qa", "waiver-desk"])
    assert (both.roles, both.agencies) == ({"qa", "requester", "reviewer"}, {"dor", "demo"})
    # One group without agencies opens every agency (an empty limit means all).
    admin = groups.access_for(["dor-qa", "6f1c2b9e-0000-4000-8000-00000000aaaa"])
    assert (admin.roles, admin.agencies) == ({"admin", "qa"}, frozenset())
    assert groups.access_for([]).roles == frozenset()
    assert groups.agencies_named() == {"dor", "demo"}


@pytest.mark.parametrize("text, line", [
    ('[[groups]]\ngroup = "g"\nroles = ["boss"]\n',
     'groups.toml: field groups[0].roles[0] = "boss": not a role; one of admin, qa, requester, reviewer, counsel, '
     'approver, iso, auditor'),
    ('[[groups]]\ngroup = "g"\nrole = ["admin"]\n',
     'groups.toml: field groups[0].role = ["admin"]: unknown key; a [[groups]] table has group, roles and agencies'),
    ('[[groups]]\ngroup = "g"\nroles = []\n',
     'groups.toml: field groups[0].roles = []: must be a list of strings, not empty'),
    ('[[groups]]\nroles = ["qa"]\n',
     'groups.toml: field groups[0].group = (missing): must be the group\'s id or name as the directory sends it '
     '(1-255 characters, no surrounding spaces)'),
    ('[[groups]]\ngroup = "g"\nroles = ["qa"]\nagencies = ["D O R"]\n',
     'groups.toml: field groups[0].agencies[0] = "D O R": not an agency id (lower-case letters, digits and \'-\')'),
    ('[[groups]]\ngroup = "g"\nroles = ["qa"]\n[[groups]]\ngroup = "g"\nroles = ["admin"]\n',
     'groups.toml: field groups[1].group = "g": already mapped by groups[0]; give each group one table'),
    ('admins = ["g"]\n', 'groups.toml: field admins = ["g"]: unknown key; the file holds only [[groups]] tables'),
    ('', 'groups.toml: field groups = (missing): give at least one [[groups]] table (group, roles, agencies)'),
    ('[[groups]\n', "groups.toml: not valid TOML: Expected ']]' at the end of an array declaration (at line 1, "
                    "column 9)"),
])
def test_each_mistake_is_one_line_naming_file_field_and_value(text, line):
    with pytest.raises(GroupsFileError) as refused:
        parse_groups("groups.toml", text)
    assert str(refused.value) == line


def test_a_missing_file_is_one_line_naming_it(tmp_path):
    with pytest.raises(GroupsFileError) as refused:
        load_groups_file(tmp_path / "absent.toml")
    assert str(refused.value) == f"{tmp_path / 'absent.toml'}: groups file not found (CONSENT_OIDC_GROUPS_FILE)"


def test_settings_all_or_nothing_one_line_each():
    assert settings.read({}).oidc == settings.Oidc(issuer=None, client_id=None, client_secret=None, groups_file=None,
                                                   groups_claim="groups", password_sign_in=True)
    read = settings.oidc({**SSO, "CONSENT_OIDC_GROUPS_CLAIM": "roles", "CONSENT_PASSWORD_SIGN_IN": "off"})
    assert read.enabled and read.groups_file == Path("/etc/consent/groups.toml")
    assert (read.groups_claim, read.password_sign_in) == ("roles", False)
    cases = {
        "CONSENT_OIDC_CLIENT_ID": (
            {name: value for name, value in SSO.items() if name != "CONSENT_OIDC_CLIENT_ID"},
            "CONSENT_OIDC_CLIENT_ID: not set; CONSENT_OIDC_ISSUER is set, and single sign-on needs it too"),
        "CONSENT_OIDC_CLIENT_SECRET": (
            {"CONSENT_OIDC_CLIENT_SECRET": "a-secret-never-shown"},
            'CONSENT_OIDC_CLIENT_SECRET: "***" is set but CONSENT_OIDC_ISSUER is not: set the issuer too, or unset it'),
        "CONSENT_OIDC_ISSUER": (
            {**SSO, "CONSENT_OIDC_ISSUER": "http://login.example.net/tenant"},
            'CONSENT_OIDC_ISSUER: "http://login.example.net/tenant" must be the provider\'s https:// issuer URL, such '
            'as https://login.microsoftonline.com/TENANT/v2.0 (http:// only on loopback)'),
        "CONSENT_PASSWORD_SIGN_IN": (
            {"CONSENT_PASSWORD_SIGN_IN": "0"},
            'CONSENT_PASSWORD_SIGN_IN: "0" turns password sign-in off, but CONSENT_OIDC_ISSUER is not set: no one '
            'could sign in'),
    }
    for variable, (environ, line) in cases.items():
        with pytest.raises(ConfigError) as refused:
            settings.read(environ)
        assert (str(refused.value), refused.value.variable) == (line, variable)
    # Plain http only on loopback (a provider in a test, or a local directory).
    assert settings.oidc({**SSO, "CONSENT_OIDC_ISSUER": "http://127.0.0.1:9000"}).issuer == "http://127.0.0.1:9000"


def run_check_config(*args, env):
    unset = {name: None for name in os.environ if name.startswith("CONSENT_")}
    result = CliRunner().invoke(check_config, list(args), env={**unset, **env})
    return result.exit_code, result.stdout.splitlines()


def test_check_config_checks_the_groups_file_against_the_agency_files(tmp_path):
    groups = tmp_path / "groups.toml"
    groups.write_text(GOOD)
    agencies = str(REPO / "agencies")
    env = {**SSO, "CONSENT_OIDC_GROUPS_FILE": str(groups)}
    # The shipped folder has dor only: "demo" is the built-in demo agency, not a file there.
    assert run_check_config(agencies, env=env) == (1, [
        f'{groups}: field agencies = "demo": no agency file demo.toml in {agencies}'])
    groups.write_text(GOOD.replace(', "demo"', ""))
    assert run_check_config(agencies, env=env) == (0, [f"{agencies}: 1 agency file, no problems"])
    groups.write_text(GOOD.replace('"qa"', '"quality"'))
    assert run_check_config(agencies, env=env) == (1, [
        f'{groups}: field groups[2].roles[0] = "quality": not a role; one of admin, qa, requester, reviewer, '
        'counsel, approver, iso, auditor'])
    assert run_check_config(agencies, env={**SSO, "CONSENT_OIDC_GROUPS_FILE": str(tmp_path / "gone.toml")}) == (1, [
        f"{tmp_path / 'gone.toml'}: groups file not found (CONSENT_OIDC_GROUPS_FILE)"])


def test_the_start_up_check_stops_on_a_broken_groups_file(tmp_path):
    groups = tmp_path / "groups.toml"
    groups.write_text('[[groups]]\ngroup = "g"\n')
    environ = {"CONSENT_DEMO": "1", "CONSENT_AGENCIES_DIR": str(REPO / "agencies"), **SSO,
               "CONSENT_OIDC_GROUPS_FILE": str(groups)}
    assert startup_problems(environ) == [
        f"{groups}: field groups[0].roles = (missing): must be a list of strings, not empty"]
