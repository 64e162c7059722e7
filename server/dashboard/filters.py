"""The dashboard's filters (secretariat, clause, failing only), read alike by the page and its JSON twin."""

from server.core.clauses import CLAUSE_NAMES
from server.errors import ApiError


def matrix_filters(args, registry, user):
    """The filters from a query string; a value that matches nothing known is a 422 naming field and value."""
    secretariat = args.get("secretariat", "").strip()
    clause = args.get("clause", "").strip()
    failing = args.get("failing", "").strip()
    secretariats = sorted({agency.secretariat for agency in registry.agencies.values()
                           if agency.secretariat and user.sees_agency(agency.id)})
    if secretariat and secretariat not in secretariats:
        raise ApiError(422, "invalid", f"secretariat: {secretariat!r} is not the secretariat of an agency you see.",
                       "secretariat")
    if clause and clause not in CLAUSE_NAMES:
        raise ApiError(422, "invalid", f"clause: {clause!r} is not one of " + ", ".join(CLAUSE_NAMES) + ".",
                       "clause")
    if failing not in ("", "0", "1"):
        raise ApiError(422, "invalid", f"failing: {failing!r} must be 1 (failing only) or 0.", "failing")
    return {"secretariat": secretariat, "clause": clause, "failing": failing == "1", "secretariats": secretariats}
