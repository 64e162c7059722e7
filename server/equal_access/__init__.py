"""Equal access (policy 1.3.3): do visitors who opt out get the same information? No Flask in here."""

from server.equal_access.check import check_page
from server.equal_access.check import check_pages
from server.equal_access.compare import Comparison
from server.equal_access.compare import Difference
from server.equal_access.compare import compare
from server.equal_access.compare import compare_documents
from server.equal_access.extract import Extraction
from server.equal_access.extract import extract
from server.equal_access.fetch import SafeFetcher
from server.equal_access.guard import FetchRefused
from server.equal_access.rules import Rules
from server.equal_access.rules import rules_for_agency

__all__ = [
    "Comparison", "Difference", "Extraction", "FetchRefused", "Rules", "SafeFetcher", "check_page",
    "check_pages", "compare", "compare_documents", "extract", "rules_for_agency",
]
