"""`consent-service check-config [DIR]`: one line per problem (`FILE: field PATH = VALUE: message`), exit 0 or 1,
no signing key needed; run as the installed console script, as an operator would."""

import os
import re
import subprocess

import pytest
from click.testing import CliRunner
from live_service import CONSENT_SERVICE

from server.commands.check_config import check_config as check_config_command

LINE_SHAPE = r"^[\w.-]+\.toml: field \S+ = .+: .+$"


def check_config(*args, env=None):
    """The command in-process, without any CONSENT_ setting (no keys: it must not need them)."""
    unset = {name: None for name in os.environ if name.startswith("CONSENT_")}
    result = CliRunner().invoke(check_config_command, list(args), env={**unset, **(env or {})})
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_the_installed_console_script_runs_it(repo_root):
    clean = {name: value for name, value in os.environ.items() if not name.startswith("CONSENT_")}
    done = subprocess.run([str(CONSENT_SERVICE), "check-config", str(repo_root / "agencies")], env=clean,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [f"{repo_root / 'agencies'}: 1 agency file, no problems"]


@pytest.fixture
def folder(tmp_path, repo_root):
    """A copy of the shipped agency file, to break."""
    (tmp_path / "dor.toml").write_text((repo_root / "agencies" / "dor.toml").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    return tmp_path


def break_file(folder, old, new, name="dor.toml"):
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_agencies_pass(repo_root):
    code, lines, stderr = check_config(str(repo_root / "agencies"))
    assert code == 0, lines + [stderr]
    assert lines == [f"{repo_root / 'agencies'}: 1 agency file, no problems"]


def test_a_mistyped_key_names_both_the_missing_and_the_unknown_key(folder):
    break_file(folder, "privacy_policy_url", "privacy_policy_ur")
    code, lines, _ = check_config(str(folder))
    assert code == 1
    assert lines == [
        "dor.toml: field privacy_policy_url = (missing): Missing data for required field "
        "(the file has privacy_policy_ur: a typo?)",
        'dor.toml: field privacy_policy_ur = "https://www.mass.gov/privacypolicy": Unknown field; '
        "did you mean privacy_policy_url?",
    ]


def test_every_problem_of_every_file_gets_its_own_line(folder):
    break_file(folder, 'mode = "opt-out"', 'mode = "sometimes"')
    break_file(folder, "expiry_days = ", "expiry_days = 9999 #")
    (folder / "broken.toml").write_text("id = [unclosed\n", encoding="utf-8")
    code, lines, _ = check_config(str(folder))
    assert code == 1
    assert lines[0].startswith("broken.toml: TOML syntax error")
    assert 'dor.toml: field mode = "sometimes": Must be one of: opt-out, opt-in' in lines
    assert any(line.startswith("dor.toml: field trackers[") and "expiry_days = 9999" in line for line in lines)
    assert all("\n" not in line for line in lines)
    assert all(re.match(LINE_SHAPE, line) for line in lines[1:]), lines


def test_a_bad_ignore_selector_is_a_problem(folder):
    break_file(folder, "equal_access_ignore = [", 'equal_access_ignore = ["p[x", ')
    code, lines, _ = check_config(str(folder))
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("dor.toml: field equal_access_ignore = "), lines


@pytest.mark.parametrize("name", [r"Department of\nRevenue", r"Department\rof Revenue", r"Department\u0000of Revenue",
                                  r"Department of\u2028Revenue", r"Department\tof Revenue"])
def test_a_name_with_a_control_character_is_refused_in_one_line(folder, name):
    """Names go into e-mail subjects: a newline there once crashed `monitor run` and lost the mail."""
    break_file(folder, 'name = "Massachusetts Department of Revenue"', f'name = "{name}"')
    code, lines, _ = check_config(str(folder))
    assert code == 1
    [line] = lines
    assert line.startswith("dor.toml: field name = ") and line.endswith(": must be one line without control characters")
    assert "Department" in line and re.match(LINE_SHAPE, line)


def test_a_missing_folder_is_one_line(tmp_path):
    code, lines, stderr = check_config(str(tmp_path / "absent"))
    assert code == 1
    assert lines == [f"{tmp_path / 'absent'}: agencies folder not found (CONSENT_AGENCIES_DIR)"]
    assert "Traceback" not in stderr


def test_without_an_argument_it_checks_consent_agencies_dir(folder):
    break_file(folder, 'mode = "opt-out"', 'mode = "sometimes"')
    code, lines, _ = check_config(env={"CONSENT_AGENCIES_DIR": str(folder)})
    assert code == 1 and lines == ['dor.toml: field mode = "sometimes": Must be one of: opt-out, opt-in']
