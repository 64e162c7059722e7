"""The single sign-on groups file: which directory groups give which staff roles, limited to which agencies.

TOML, `[[groups]]` tables of `group` (the groups claim's value: an Entra ID group object id, or a name),
`roles` (a list of staff roles) and optional `agencies` (agency ids; absent: every agency). Read once at start
and by `consent-service check-config`; a bad file is one line naming the file, the field and the value. No Flask
here: the service, the commands and the tests all read it the same way.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from server.core.agency_problems import show
from server.core.staff_roles import ROLES
from server.core.validators import SLUG

MAX_GROUP_LENGTH = 255
TABLE_KEYS = ("group", "roles", "agencies")


class GroupsFileError(ValueError):
    """The groups file cannot be read or is wrong; the message is one line naming file, field and value."""


@dataclass(frozen=True)
class GroupGrant:
    """What one directory group gives: roles, and the agencies they are limited to (empty: all)."""

    group: str
    roles: frozenset
    agencies: frozenset


@dataclass(frozen=True)
class Access:
    """What a person's groups give together; no roles means the console refuses them."""

    roles: frozenset
    agencies: frozenset  # empty: every agency
    groups: tuple  # the mapped groups that gave it, in the file's order


@dataclass(frozen=True)
class GroupsFile:
    """Every grant of the file, in order."""

    path: Path
    grants: tuple

    def access_for(self, groups):
        """The union of the grants of these groups; one grant without agencies opens every agency."""
        held = set(groups)
        matched = [grant for grant in self.grants if grant.group in held]
        roles = frozenset().union(*(grant.roles for grant in matched))
        unlimited = any(not grant.agencies for grant in matched)
        agencies = frozenset() if unlimited else frozenset().union(*(grant.agencies for grant in matched))
        return Access(roles=roles, agencies=agencies, groups=tuple(grant.group for grant in matched))

    def agencies_named(self):
        """Every agency id the file names (check-config compares them with the agency files)."""
        return frozenset().union(*(grant.agencies for grant in self.grants))


def _problem(path, field, value, reason):
    return GroupsFileError(f"{path}: field {field} = {show(value)}: {reason}")


def _strings(path, field, value, check, reason, allow_empty=False):
    if not isinstance(value, list) or (not value and not allow_empty):
        raise _problem(path, field, value, "must be a list of strings" + ("" if allow_empty else ", not empty"))
    for index, item in enumerate(value):
        if not isinstance(item, str) or not check(item):
            raise _problem(path, f"{field}[{index}]", item, reason)
    return frozenset(value)


def _grant(path, index, table, seen):
    where = f"groups[{index}]"
    if not isinstance(table, dict):
        raise _problem(path, where, table, "must be a [[groups]] table")
    unknown = sorted(set(table) - set(TABLE_KEYS))
    if unknown:
        raise _problem(path, f"{where}.{unknown[0]}", table[unknown[0]],
                       "unknown key; a [[groups]] table has group, roles and agencies")
    group = table.get("group")
    if not isinstance(group, str) or not group.strip() or len(group) > MAX_GROUP_LENGTH or group != group.strip():
        raise _problem(path, f"{where}.group", group, "must be the group's id or name as the directory sends it "
                                                      f"(1-{MAX_GROUP_LENGTH} characters, no surrounding spaces)")
    if group in seen:
        raise _problem(path, f"{where}.group", group, f"already mapped by groups[{seen[group]}]; give each group "
                                                      "one table")
    seen[group] = index
    roles = _strings(path, f"{where}.roles", table.get("roles"), ROLES.__contains__,
                     "not a role; one of " + ", ".join(ROLES))
    agencies = _strings(path, f"{where}.agencies", table.get("agencies", []), lambda item: SLUG.match(item),
                        "not an agency id (lower-case letters, digits and '-')", allow_empty=True)
    return GroupGrant(group=group, roles=roles, agencies=agencies)


def parse_groups(path, text):
    """The GroupsFile of this TOML text (path only names it in errors)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise GroupsFileError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(raw) - {"groups"})
    if unknown:
        raise _problem(path, unknown[0], raw[unknown[0]], "unknown key; the file holds only [[groups]] tables")
    tables = raw.get("groups")
    if not isinstance(tables, list) or not tables:
        raise _problem(path, "groups", tables, "give at least one [[groups]] table (group, roles, agencies)")
    seen = {}
    return GroupsFile(path=Path(path), grants=tuple(_grant(path, index, table, seen)
                                                  for index, table in enumerate(tables)))


def load_groups_file(path):
    """Read and check the groups file at path (CONSENT_OIDC_GROUPS_FILE)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GroupsFileError(f"{path}: groups file not found (CONSENT_OIDC_GROUPS_FILE)") from None
    except UnicodeDecodeError:
        raise GroupsFileError(f"{path}: not UTF-8 text (CONSENT_OIDC_GROUPS_FILE)") from None
    except OSError as error:
        raise GroupsFileError(f"{path}: cannot be read: {error.strerror or 'unknown error'} "
                              "(CONSENT_OIDC_GROUPS_FILE)") from None
    return parse_groups(path, text)
