"""Waivers as the public may know them (the public list and the monitoring worker read it); staff answers are
dumped through server/waivers/schemas.py."""


def _date(value):
    return value.isoformat() if value is not None else None


def public_view(waiver):
    """What anyone may know of a waiver in force: which cookies, which clauses, from when to when."""
    return {"id": waiver.id, "clauses": list(waiver.clauses), "scope": dict(waiver.scope), "kind": waiver.kind,
            "starts": _date(waiver.starts), "ends": _date(waiver.ends)}
