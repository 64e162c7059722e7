"""Write the three reports: report.json for machines, report.html for webmasters, junit.xml for CI."""

import json
import time
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from jinja2 import Environment
from jinja2 import PackageLoader

from server.core.clauses import clause_title

COOKIE_COLUMNS = (("name", "Name"), ("domain", "Domain"), ("persistent", "Persistent"),
                  ("lifetime_days", "Lifetime (days)"), ("requested_days", "Asked (days)"),
                  ("stored_days", "Stored (days)"), ("http_only", "HttpOnly"), ("secure", "Secure"),
                  ("same_site", "SameSite"), ("setters", "Set by"), ("phases", "Seen"))
PHASES = (("before", "First visit"), ("after", "After opting out"))


def write_reports(report_dir: Path, pages: list, findings: list, meta: dict) -> dict:
    """Write screenshots and the three reports from page records and findings; return their paths."""
    report_dir = Path(report_dir)
    shots_dir = report_dir / "screenshots"
    shots_dir.mkdir(parents=True, exist_ok=True)
    page_entries = []
    for index, page in enumerate(pages, start=1):
        shots = {}
        for phase, png in page.screenshots.items():
            if png:
                name = f"page{index}-{phase}.png"
                (shots_dir / name).write_bytes(png)
                shots[phase] = f"screenshots/{name}"
        page_entries.append({**page.to_dict(), "screenshots": shots})
    failed = [f for f in findings if f.verdict == "fail"]
    data = {
        "tool": "consent-qa", "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **meta,
        "summary": {"pages": len(pages), "findings": len(findings), "failed": len(failed),
                    "errors": len([p for p in pages if p.error])},
        "findings": [f.to_dict() for f in findings], "pages": page_entries,
    }
    waived = [f for f in findings if f.verdict == "waived"]
    if waived:
        # Counted apart: a waived finding neither passes nor fails (policy section 3).
        data["summary"]["waived"] = len(waived)
    unknown = [f for f in findings if f.verdict == "unknown"]
    if unknown:
        # Counted apart too: the tool could not see or operate what it had to judge (the reason says why).
        data["summary"]["unknown"] = len(unknown)
    paths = {"json": report_dir / "report.json", "html": report_dir / "report.html", "junit": report_dir / "junit.xml"}
    paths["json"].write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    paths["html"].write_text(render_html(data), encoding="utf-8")
    paths["junit"].write_bytes(render_junit(data))
    return paths


def _text(value) -> str:
    """A value shown as text; nothing for None."""
    return "" if value is None else str(value)


def _cell(value) -> str:
    """A cookie table cell: lists joined, booleans in words."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _text(value)


def _readable_instant(iso_instant: str) -> str:
    """"2026-12-04T11:05:00Z" as a person reads it: "4 December 2026 at 11:05 UTC"."""
    try:
        moment = datetime.strptime(iso_instant, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return str(iso_instant)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def _clause_label(finding: dict) -> str:
    """A finding's clause as the page names it: number and what it asks, GPC's variant marked."""
    return clause_title(finding["clause"]) + (" (GPC)" if finding.get("variant") == "gpc" else "")


def _evidence_text(evidence) -> str:
    """The evidence as indented JSON, cut where a page would grow unreadable."""
    return json.dumps(evidence, indent=1, default=str)[:4000]


def _environment() -> Environment:
    """The package's templates, every value escaped (reasons and cookies come from the page under test)."""
    environment = Environment(loader=PackageLoader("extension", "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(text=_text, cell=_cell, readable_instant=_readable_instant,
                               clause_label=_clause_label, evidence_text=_evidence_text)
    return environment


def render_html(data: dict) -> str:
    """A page a webmaster can read: per page the verdicts, reasons, screenshots and cookie table."""
    template = _environment().get_template("report.html")
    return template.render(**data, phases=PHASES, cookie_columns=COOKIE_COLUMNS)


def render_junit(data: dict) -> bytes:
    """One test case per page per clause, failures carrying the reason and the evidence."""
    suites = ET.Element("testsuites", name="consent-qa")
    suite = ET.SubElement(suites, "testsuite", name=f"consent-qa {data.get('agency', '')}",
                          tests=str(len(data["findings"])), failures=str(data["summary"]["failed"]),
                          errors=str(data["summary"]["errors"]), skipped=str(data["summary"].get("waived", 0) + data["summary"].get("unknown", 0)))
    for finding in data["findings"]:
        clause = finding["clause"] + (" (GPC)" if finding.get("variant") == "gpc" else "")
        case = ET.SubElement(suite, "testcase", classname=finding["url"], name=f"clause {clause}")
        if finding["verdict"] == "fail":
            failure = ET.SubElement(case, "failure", message=finding["reason"], type=f"clause {clause}")
            failure.text = json.dumps(finding.get("evidence"), indent=1, default=str)[:8000]
        elif finding["verdict"] == "waived":
            ids = ", ".join(str(i) for i in finding.get("waivers", []))
            ET.SubElement(case, "skipped", message=f"waived by waiver {ids}").text = finding["reason"]
        elif finding["verdict"] == "unknown":
            ET.SubElement(case, "skipped", message=f"unknown: {finding['reason']}").text = finding["reason"]
        else:
            ET.SubElement(case, "system-out").text = finding["reason"]
    for page in data["pages"]:
        if page.get("error"):
            case = ET.SubElement(suite, "testcase", classname=page["url"], name="check")
            ET.SubElement(case, "error", message=page["error"])
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)
