"""`consent-service check-config [DIR]`: every problem of every agency file, one line each (exit 0 or 1).

The same check runs once in gunicorn's master before any worker forks (server.gunicorn_conf), so a bad
file stops the service with its one line, not a traceback per worker. Needs no signing key.
"""

import os
import sys
import tomllib
from pathlib import Path

import click
from flask import Flask
from marshmallow import ValidationError

from server import config
from server.core import parts
from server.core.agency_problems import problems
from server.core.agency_problems import show
from server.core import settings as core_settings
from server.demo_agency import demo_agency
from server.core.equal_access.rules import rules_for_agency
from server.core.agency import AgencyConfigError
from server.core.agency import load_agency_file
from server.core.agency_schema import AGENCY_SCHEMA
from server.core.directory_groups import GroupsFileError
from server.core.directory_groups import load_groups_file


def file_problems(path):
    """Every problem of one agency file, as `FILE: field PATH = VALUE: message` lines (none: it is valid)."""
    try:
        agency = load_agency_file(path)
    except AgencyConfigError as error:
        return _schema_problems(path) or [str(error)]
    try:
        rules_for_agency(agency)
    except ValueError as error:
        # soupsieve's message draws the selector and a caret on further lines: keep the sentence.
        reason = str(error).splitlines()[0]
        return [f"{path.name}: field equal_access_ignore = {show(list(agency.equal_access_ignore))}: {reason}"]
    return []


def _schema_problems(path):
    """All the schema's complaints about a file that parses (load_agency_file reports only the first)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        AGENCY_SCHEMA.load(raw)
    except (UnicodeDecodeError, RecursionError, tomllib.TOMLDecodeError):
        return []
    except ValidationError as error:
        return [f"{path.name}: field {field} = {show(value)}: {message.rstrip('.')}"
                for field, message, value in problems(error.messages, raw)]
    return []


def default_agencies_dir():
    """The instance folder's agencies/, as create_app finds it (Flask names the instance after server.app)."""
    return Path(Flask("server.app").instance_path) / "agencies"


def folder_problems(folder, demo_url=None):
    """(files checked, problem lines) for a folder of agency files, plus the built-in demo when demo_url is set."""
    folder = Path(folder)
    if not folder.is_dir():
        if demo_url and folder == default_agencies_dir():
            return 0, []
        return 0, [f"{folder}: agencies folder not found (CONSENT_AGENCIES_DIR)"]
    paths = sorted(folder.glob("*.toml"))
    lines = [line for path in paths for line in file_problems(path)]
    if demo_url:
        demo_agency(demo_url)
        if any(path.stem == "demo" for path in paths):
            lines.append('demo.toml: field id = "demo": reserved for the built-in demo agency (CONSENT_DEMO=1); '
                         "rename the file and its id")
    return len(paths), lines


def groups_file_problems(groups_file, folder=None):
    """The single sign-on groups file's problem (one line), and agencies it names that no file in folder defines."""
    try:
        groups = load_groups_file(groups_file)
    except GroupsFileError as error:
        return [str(error)]
    if folder is None or not Path(folder).is_dir():
        return []
    known = {path.stem for path in Path(folder).glob("*.toml")}
    return [f"{groups_file}: field agencies = {show(agency)}: no agency file {agency}.toml in {folder}"
            for agency in sorted(groups.agencies_named() - known)]


def startup_problems(environ):
    """What would stop create_app: settings (signing keys included), every agency file; one line each.

    Not the console database: one behind the code closes only the console (503), never the service.
    """
    try:
        # Every group, monitoring's too: a bad value stops the master now, not a worker or a page later.
        core_settings.read(environ)
        settings = config.from_environment(environ)
        config.validate(settings)
        demo_url = settings["PUBLIC_URL"] if settings["DEMO"] else None
        problems = folder_problems(settings["AGENCIES_DIR"] or default_agencies_dir(), demo_url)[1]
        groups_file = core_settings.oidc(environ).groups_file
    except (config.ConfigError, AgencyConfigError) as error:
        return [str(error)]
    if groups_file is not None:
        problems.extend(groups_file_problems(groups_file))
    if settings["DATABASE_URL"] and not parts.installed("console"):
        problems.append(f"CONSENT_DATABASE_URL is set but {parts.not_installed('console')}")
    return problems


def folder_to_check():
    """CONSENT_AGENCIES_DIR; else the instance folder's agencies/; else, when that is absent, ./agencies (in a
    checkout: the folder `make run` serves)."""
    configured = core_settings.path(os.environ, "CONSENT_AGENCIES_DIR")
    if configured:
        return configured
    instance = default_agencies_dir()
    if not instance.is_dir() and Path("agencies").is_dir():
        return Path("agencies").resolve()
    return instance


@click.command("check-config", help="Validate every agency file in DIR (default: CONSENT_AGENCIES_DIR, else the "
                                    "instance folder's agencies/, else ./agencies), and the single sign-on groups "
                                    "file when CONSENT_OIDC_GROUPS_FILE is set; one line per problem, exit 1 if any.")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_config(directory):
    """Print each problem as `FILE: field PATH = VALUE: message`; exit 0 when there is none."""
    folder = directory or folder_to_check()
    count, lines = folder_problems(folder)
    try:
        groups_file = core_settings.oidc(os.environ).groups_file
    except core_settings.ConfigError as error:
        lines.append(str(error))
        groups_file = None
    if groups_file is not None:
        lines.extend(groups_file_problems(groups_file, folder))
    for line in lines:
        click.echo(line)
    if lines:
        sys.exit(1)
    click.echo(f"{folder}: {count} agency file{'s' if count != 1 else ''}, no problems")
