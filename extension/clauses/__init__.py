"""The policy's clauses, one module per clause group; each is a plain function over one page's record."""

from extension.clauses.disclosure import clause_1_3_1
from extension.clauses.equal_access import clause_equal_access
from extension.clauses.evaluate import CLAUSES
from extension.clauses.evaluate import evaluate
from extension.clauses.notice import clause_1_3_2
from extension.clauses.opt_out import clause_1_3_3
from extension.clauses.opt_out import clause_gpc
from extension.clauses.persistent import clause_2_1
from extension.clauses.persistent import clause_2_2
from extension.clauses.persistent import clause_2_5

__all__ = [
    "CLAUSES", "clause_1_3_1", "clause_1_3_2", "clause_1_3_3", "clause_2_1", "clause_2_2", "clause_2_5",
    "clause_equal_access", "clause_gpc", "evaluate",
]
