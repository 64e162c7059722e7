"""Every clause in the contract's order (extension/clauses/evaluate.py)."""

from clause_records import NOTICE
from clause_records import NOW
from clause_records import facts
from clause_records import journey

from extension.clauses import CLAUSES
from extension.clauses import evaluate


def test_evaluate_gives_every_clause_in_order_and_gpc_last():
    page = journey(before={"facts": facts(), "record": {"events": [], "cookies": [], "now": NOW}, "dom": "<p>a</p>"},
                   after={"facts": {"notice": None}, "dom": "<p>a</p>"}, gpc={"record": {"events": []}})
    findings = evaluate(page, NOTICE)
    assert [f.clause for f in findings] == [*CLAUSES, "1.3.3"]
    assert findings[-1].variant == "gpc"
    assert {f.verdict for f in findings} == {"pass"}
