"""Every CONSENT_* setting read by server.core.settings: its default, a good value, and a bad one in one line."""

import dataclasses
import multiprocessing
from pathlib import Path

import certifi
import pytest

from server.core import settings
from server.core.settings import ConfigError

KEY = "core-settings-key-0123456789"
OLD_KEY = "core-settings-old-0123456789"


def test_defaults_of_every_group():
    read = settings.read({})
    assert read.service == settings.Service(demo=False, agencies_dir=None, public_url=None)
    assert read.signing == settings.Signing(secret_keys=(), token_max_age=43200)
    assert read.console == settings.Console(database_url=None, waiver_lead_days=14)
    assert read.monitoring == settings.Monitoring(
        queue_url=None, smtp_url=None, smtp_ca_file=None, mail_from=None, screenshots="files", screenshot_dir=None,
        retention_days=90, lease_seconds=30, attempts=3, gpc=True)
    assert read.gunicorn == settings.Gunicorn(bind="127.0.0.1:8000",
                                              workers=min(4, multiprocessing.cpu_count() + 1),
                                              worker_class="sync", equal_access_slots=None, runtime_dir=None)


def test_every_variable_is_read_into_its_group(tmp_path):
    environ = {
        "CONSENT_SECRET_KEYS": f" {KEY} , {OLD_KEY} ,", "CONSENT_TOKEN_MAX_AGE": "60",
        "CONSENT_DEMO": "yes", "CONSENT_AGENCIES_DIR": str(tmp_path), "CONSENT_PUBLIC_URL": "https://c.mass.gov/",
        "CONSENT_DATABASE_URL": "postgresql://db/consent", "CONSENT_WAIVER_LEAD_DAYS": "0",
        "CONSENT_QUEUE_URL": "redis://queue:6379/0", "CONSENT_SMTP_URL": "smtps://u:p@mail.mass.gov:465",
        "CONSENT_MAIL_FROM": "qa@mass.gov", "CONSENT_SCREENSHOTS": "database", "CONSENT_SCREENSHOT_DIR": "/shots",
        "CONSENT_SCREENSHOT_RETENTION_DAYS": "30", "CONSENT_MONITOR_LEASE_SECONDS": "5",
        "CONSENT_MONITOR_ATTEMPTS": "1", "CONSENT_MONITOR_GPC": "off",
        "CONSENT_BIND": "0.0.0.0:9000", "CONSENT_WORKERS": "3", "CONSENT_WORKER_CLASS": "gthread",
        "CONSENT_EQUAL_ACCESS_SLOTS": "0", "CONSENT_RUNTIME_DIR": "/run/consent",
    }
    read = settings.read(environ)
    assert read.service == settings.Service(demo=True, agencies_dir=tmp_path, public_url="https://c.mass.gov")
    assert read.signing == settings.Signing(secret_keys=(KEY, OLD_KEY), token_max_age=60)
    assert read.console == settings.Console(database_url="postgresql://db/consent", waiver_lead_days=0)
    assert read.monitoring == settings.Monitoring(
        queue_url="redis://queue:6379/0", smtp_url="smtps://u:p@mail.mass.gov:465", smtp_ca_file=None,
        mail_from="qa@mass.gov", screenshots="database", screenshot_dir=Path("/shots"), retention_days=30,
        lease_seconds=5, attempts=1, gpc=False)
    assert read.gunicorn == settings.Gunicorn(bind="0.0.0.0:9000", workers=3, worker_class="gthread",
                                              equal_access_slots=0, runtime_dir=Path("/run/consent"))


def test_the_groups_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.read({}).console.waiver_lead_days = 1


def test_blank_text_and_paths_count_as_unset():
    read = settings.read({name: "  " for name in ("CONSENT_AGENCIES_DIR", "CONSENT_PUBLIC_URL", "CONSENT_BIND",
                                                  "CONSENT_DATABASE_URL", "CONSENT_QUEUE_URL", "CONSENT_DEMO",
                                                  "CONSENT_SMTP_URL", "CONSENT_SCREENSHOTS", "CONSENT_MONITOR_GPC")})
    assert read == settings.read({})


def test_the_demo_uses_the_generated_key_only_without_real_keys():
    generated = {"CONSENT_DEMO": "1", settings.DEMO_KEY_VARIABLE: "generated-key"}
    assert settings.signing(generated).secret_keys == ("generated-key",)
    assert settings.signing({**generated, "CONSENT_SECRET_KEYS": KEY}).secret_keys == (KEY,)
    assert settings.signing({settings.DEMO_KEY_VARIABLE: "generated-key"}).secret_keys == ()


@pytest.mark.parametrize(("bind", "public_url"), [
    ("127.0.0.1:8030", "http://127.0.0.1:8030"), ("0.0.0.0:9000", "http://127.0.0.1:9000"),
    ("[::]:8000", "http://[::1]:8000"), ("::1", "http://[::1]:8000"), ("localhost", "http://localhost:8000"),
])
def test_the_demo_public_url_follows_the_bind(bind, public_url):
    assert settings.service({"CONSENT_DEMO": "1", "CONSENT_BIND": bind}).public_url == public_url


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("false", False), ("No", False),
    ("off", False),
])
def test_yes_and_no(value, expected):
    assert settings.service({"CONSENT_DEMO": value}).demo is expected
    assert settings.monitoring({"CONSENT_MONITOR_GPC": value}).gpc is expected


INTEGERS = [
    ("CONSENT_TOKEN_MAX_AGE", 1), ("CONSENT_WAIVER_LEAD_DAYS", 0), ("CONSENT_SCREENSHOT_RETENTION_DAYS", 1),
    ("CONSENT_MONITOR_LEASE_SECONDS", 5), ("CONSENT_MONITOR_ATTEMPTS", 1), ("CONSENT_WORKERS", 1),
    ("CONSENT_EQUAL_ACCESS_SLOTS", 0),
]


@pytest.mark.parametrize(("name", "minimum"), INTEGERS)
@pytest.mark.parametrize("value", ["abc", "1.5", "12h", "", " "])
def test_an_integer_that_is_not_a_whole_number_is_one_line(name, minimum, value):
    with pytest.raises(ConfigError) as refused:
        settings.read({name: value})
    assert str(refused.value) == f'{name}: "{value}" is not a whole number'
    assert (refused.value.variable, refused.value.value) == (name, value)


@pytest.mark.parametrize(("name", "minimum"), INTEGERS)
def test_an_integer_below_its_minimum_is_one_line(name, minimum):
    with pytest.raises(ConfigError) as refused:
        settings.read({name: str(minimum - 1)})
    assert str(refused.value) == f'{name}: "{minimum - 1}" must be at least {minimum}'
    assert settings.whole({name: f" {minimum} "}, name, None, minimum) == minimum


@pytest.mark.parametrize(("environ", "message"), [
    ({"CONSENT_DEMO": "maybe"},
     'CONSENT_DEMO: "maybe" is neither yes nor no (one of 1, true, yes, on, 0, false, no, off)'),
    ({"CONSENT_MONITOR_GPC": "2"},
     'CONSENT_MONITOR_GPC: "2" is neither yes nor no (one of 1, true, yes, on, 0, false, no, off)'),
    ({"CONSENT_PUBLIC_URL": "consent.mass.gov"},
     'CONSENT_PUBLIC_URL: "consent.mass.gov" must be an origin such as https://consent.mass.gov (scheme and host, '
     'no path)'),
    ({"CONSENT_DEMO": "1", "CONSENT_BIND": "unix:/run/consent.sock"},
     'CONSENT_BIND: "unix:/run/consent.sock" is not a TCP address; set CONSENT_PUBLIC_URL for the demo'),
    ({"CONSENT_SECRET_KEYS": f"{KEY},short"}, "CONSENT_SECRET_KEYS: every key must be at least 16 characters long"),
    ({"CONSENT_QUEUE_URL": "amqp://queue"},
     'CONSENT_QUEUE_URL: "amqp://queue" must start with sqlite:///, redis://, rediss:// or unix://'),
    ({"CONSENT_SMTP_URL": "mail.example:25"},
     'CONSENT_SMTP_URL: "mail.example:25" must be smtp://host:port or smtps://user:password@host:port'),
    ({"CONSENT_SMTP_URL": "smtps://qa:hunter2@:465"},
     'CONSENT_SMTP_URL: "smtps://qa:***@:465" must be smtp://host:port or smtps://user:password@host:port'),
    ({"CONSENT_SCREENSHOTS": "s3"}, 'CONSENT_SCREENSHOTS: "s3" must be files or database'),
    ({"CONSENT_WORKERS": "4\nTraceback"}, 'CONSENT_WORKERS: "4\\nTraceback" is not a whole number'),
    ({"CONSENT_WORKERS": "4\u2028x\x85"}, 'CONSENT_WORKERS: "4\\u2028x\\u0085" is not a whole number'),
])
def test_a_bad_value_is_one_line_naming_the_variable(environ, message):
    with pytest.raises(ConfigError) as refused:
        settings.read(environ)
    assert str(refused.value) == message


def test_the_ca_file_is_checked_when_read(tmp_path):
    absent = tmp_path / "absent.pem"
    with pytest.raises(ConfigError, match=f'^CONSENT_SMTP_CA_FILE: "{absent}" cannot be read: No such file or '
                                          "directory$"):
        settings.monitoring({"CONSENT_SMTP_CA_FILE": str(absent)})
    assert settings.monitoring({"CONSENT_SMTP_CA_FILE": certifi.where()}).smtp_ca_file == Path(certifi.where())
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(ConfigError, match=f'^CONSENT_SMTP_CA_FILE: "{tmp_path / "junk.pem"}" holds no PEM '
                                          "certificate$"):
        settings.monitoring({"CONSENT_SMTP_CA_FILE": str(tmp_path / "junk.pem")})


def test_each_group_reads_only_its_own_variables():
    # A bad monitoring value never stops what does not use it (`consent-service db upgrade`, the public service).
    broken = {"CONSENT_MONITOR_ATTEMPTS": "x", "CONSENT_WORKERS": "x", "CONSENT_TOKEN_MAX_AGE": "x"}
    assert settings.service(broken).demo is False
    assert settings.console(broken).waiver_lead_days == 14
    assert settings.queue_url(broken) is None
