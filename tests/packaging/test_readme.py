"""The README a newcomer reads: short, what it is, the two commands, embedding and where to read more; every
command in it runnable as written; each topic documented in one place under docs/."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
# What moved out of the README: deployment, the console and monitoring, QA, a worked embedding.
MOVED = ["deployment.md", "console.md", "qa.md", "embedding.md"]


def readme():
    return README.read_text(encoding="utf-8")


def test_the_readme_is_short_and_its_lines_fit():
    lines = readme().splitlines()
    assert len(lines) <= 125, len(lines)
    assert [line for line in lines if len(line) > 120] == []


@pytest.mark.parametrize("document", [README] + [ROOT / "docs" / name for name in MOVED], ids=lambda path: path.name)
def test_no_reference_a_reader_cannot_follow(document):
    """Issue numbers and "this machine" mean nothing to a reader of the checkout."""
    text = document.read_text(encoding="utf-8")
    assert not re.search(r"\bissues? \d+", text, re.I), re.findall(r".{30}\bissues? \d+.{10}", text, re.I)
    assert "this 2-core machine" not in text and "about 3 minutes" not in text


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_link_leads_to_a_file(document):
    text = document.read_text(encoding="utf-8")
    missing = [target for target in LINK.findall(text)
               if not target.startswith(("http://", "https://", "mailto:")) and not (document.parent / target).exists()]
    assert missing == []


def test_each_setting_is_described_in_one_place():
    """A CONSENT_ variable heads one table row across README and docs/ (DESIGN.md's settings), not several."""
    rows = {}
    for document in DOCUMENTS:
        for line in document.read_text(encoding="utf-8").splitlines():
            first_cell = line.split("|")[1] if line.startswith("|") and line.count("|") > 2 else ""
            for name in re.findall(r"`(CONSENT_[A-Z_]+)", first_cell):
                rows.setdefault(name, []).append(document.name)
    repeated = {name: places for name, places in rows.items() if len(places) > 1}
    assert repeated == {}
    assert {"CONSENT_SECRET_KEYS", "CONSENT_DATABASE_URL", "CONSENT_QUEUE_URL", "CONSENT_BIND"} <= set(rows)


def commands_in(text):
    """Each command of the document's ```sh blocks, continuation lines joined, comments dropped."""
    for block in SHELL_BLOCK.findall(text):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command and not command.startswith("#"):
                yield command


def make_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))


def subcommands(script):
    """The subcommands a console script of the checkout offers (its --help)."""
    done = subprocess.run([str(ROOT / ".venv" / "bin" / script), "--help"], capture_output=True, text=True,
                          timeout=120, check=True)
    # click lists "  NAME  help", argparse "    NAME   help": both indent the name and pad after it.
    return set(re.findall(r"^ {2,4}([a-z][\w-]*)(?: {2,}|$)", done.stdout, re.M))


def test_every_readme_command_names_what_exists():
    """`make X` is a target, `.venv/bin/X` a program the venv has, and its subcommand one it offers."""
    commands = list(commands_in(readme()))
    assert any(command.startswith("make run") for command in commands)
    offered = {}
    for command in commands:
        words = command.split()
        if words[0] == "make":
            assert words[1] in make_targets(), command
        elif words[0].startswith(".venv/bin/"):
            program = ROOT / words[0]
            assert program.is_file(), command
            if program.name in ("consent-service", "consent-qa"):
                offered.setdefault(program.name, subcommands(program.name))
                assert words[1] in offered[program.name], command
