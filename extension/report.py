"""Write the three reports: report.json for machines, report.html for webmasters, junit.xml for CI."""

import html
import json
import time
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from server.core.clauses import clause_title

COOKIE_COLUMNS = (("name", "Name"), ("domain", "Domain"), ("persistent", "Persistent"),
                  ("lifetime_days", "Lifetime (days)"), ("requested_days", "Asked (days)"),
                  ("stored_days", "Stored (days)"), ("http_only", "HttpOnly"), ("secure", "Secure"),
                  ("same_site", "SameSite"), ("setters", "Set by"), ("phases", "Seen"))
STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#111;line-height:1.4}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #999;padding:.3rem .5rem;text-align:left;
vertical-align:top}.pass{color:#05591f;font-weight:bold}.fail{color:#a00;font-weight:bold}
.waived{color:#5a3d00;font-weight:bold}
figure{display:inline-block;margin:0 1rem 1rem 0}img{max-width:560px;border:1px solid #999}
pre{white-space:pre-wrap;max-width:60rem;font-size:.85rem}
"""


def write_reports(report_dir: Path, pages: list, findings: list, meta: dict) -> dict:
    """Write screenshots and the three reports; return their paths."""
    report_dir = Path(report_dir)
    shots_dir = report_dir / "screenshots"
    shots_dir.mkdir(parents=True, exist_ok=True)
    page_entries = []
    for index, page in enumerate(pages, start=1):
        shots = {}
        for phase, png in (page.get("screenshots") or {}).items():
            if png:
                name = f"page{index}-{phase}.png"
                (shots_dir / name).write_bytes(png)
                shots[phase] = f"screenshots/{name}"
        page_entries.append({"url": page["url"], "screenshots": shots, "cookies": page.get("cookies", []),
                             "next_url": (page.get("next") or {}).get("url"), "error": page.get("error"),
                             "seconds": page.get("seconds"), "platform": (page.get("platform") or {}).get("name")})
    failed = [f for f in findings if f["verdict"] == "fail"]
    data = {
        "tool": "consent-qa", "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **meta,
        "summary": {"pages": len(pages), "findings": len(findings), "failed": len(failed),
                    "errors": len([p for p in pages if p.get("error")])},
        "findings": findings, "pages": page_entries,
    }
    waived = [f for f in findings if f["verdict"] == "waived"]
    if waived:
        # Counted apart: a waived finding neither passes nor fails (policy section 3).
        data["summary"]["waived"] = len(waived)
    paths = {"json": report_dir / "report.json", "html": report_dir / "report.html", "junit": report_dir / "junit.xml"}
    paths["json"].write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    paths["html"].write_text(render_html(data), encoding="utf-8")
    paths["junit"].write_bytes(render_junit(data))
    return paths


def _e(value) -> str:
    """Escape anything for HTML text or attribute use."""
    return html.escape("" if value is None else str(value), quote=True)


def _cell(value) -> str:
    """A table cell: lists joined, booleans in words, everything escaped."""
    if isinstance(value, (list, tuple)):
        return _e(", ".join(str(v) for v in value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _e(value)


def _readable_instant(iso_instant: str) -> str:
    """"2026-12-04T11:05:00Z" as a person reads it: "4 December 2026 at 11:05 UTC"."""
    try:
        moment = datetime.strptime(iso_instant, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return str(iso_instant)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def render_html(data: dict) -> str:
    """A page a webmaster can read: per page the verdicts, reasons, screenshots and cookie table."""
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
           f"<title>consent-qa report: {_e(data.get('agency'))}</title><style>{STYLE}</style></head><body>",
           f"<h1>Cookie policy check for agency {_e(data.get('agency'))}</h1>",
           f"<p>{data['summary']['pages']} page(s), {data['summary']['failed']} failing finding(s) of "
           f"{data['summary']['findings']}"
           + (f", {data['summary']['waived']} waived" if data["summary"].get("waived") else "")
           + f". Generated {_e(_readable_instant(data['generated']))}.</p>"]
    for page in data["pages"]:
        out.append(f"<section><h2>{_e(page['url'])}</h2>")
        if page.get("error"):
            out.append(f"<p class='fail'>Could not be checked: {_e(page['error'])}</p>")
        out.append("<table><tr><th>Clause</th><th>Verdict</th><th>Reason</th><th>Evidence</th></tr>")
        for finding in (f for f in data["findings"] if f["url"] == page["url"]):
            clause = clause_title(finding["clause"]) + (" (GPC)" if finding.get("variant") == "gpc" else "")
            evidence = json.dumps(finding.get("evidence"), indent=1, default=str)[:4000]
            out.append(f"<tr><td>{_e(clause)}</td><td class='{_e(finding['verdict'])}'>{_e(finding['verdict'])}"
                       f"</td><td>{_e(finding['reason'])}</td><td><details><summary>show</summary>"
                       f"<pre>{_e(evidence)}</pre></details></td></tr>")
        out.append("</table>")
        for phase, label in (("before", "First visit"), ("after", "After opting out")):
            if phase in page["screenshots"]:
                src = _e(page["screenshots"][phase])
                out.append(f"<figure><a href='{src}'><img src='{src}' alt='{_e(label)}: {_e(page['url'])}'></a>"
                           f"<figcaption>{_e(label)}</figcaption></figure>")
        out.append("<h3>Cookies</h3><table><tr>" + "".join(f"<th>{_e(t)}</th>" for _, t in COOKIE_COLUMNS) + "</tr>")
        for cookie in page["cookies"]:
            out.append("<tr>" + "".join(f"<td>{_cell(cookie.get(k))}</td>" for k, _ in COOKIE_COLUMNS) + "</tr>")
        out.append("</table></section>")
    out.append("</body></html>")
    return "\n".join(out)


def render_junit(data: dict) -> bytes:
    """One test case per page per clause, failures carrying the reason and the evidence."""
    suites = ET.Element("testsuites", name="consent-qa")
    suite = ET.SubElement(suites, "testsuite", name=f"consent-qa {data.get('agency', '')}",
                          tests=str(len(data["findings"])), failures=str(data["summary"]["failed"]),
                          errors=str(data["summary"]["errors"]), skipped=str(data["summary"].get("waived", 0)))
    for finding in data["findings"]:
        clause = finding["clause"] + (" (GPC)" if finding.get("variant") == "gpc" else "")
        case = ET.SubElement(suite, "testcase", classname=finding["url"], name=f"clause {clause}")
        if finding["verdict"] == "fail":
            failure = ET.SubElement(case, "failure", message=finding["reason"], type=f"clause {clause}")
            failure.text = json.dumps(finding.get("evidence"), indent=1, default=str)[:8000]
        elif finding["verdict"] == "waived":
            ids = ", ".join(str(i) for i in finding.get("waivers", []))
            ET.SubElement(case, "skipped", message=f"waived by waiver {ids}").text = finding["reason"]
        else:
            ET.SubElement(case, "system-out").text = finding["reason"]
    for page in data["pages"]:
        if page.get("error"):
            case = ET.SubElement(suite, "testcase", classname=page["url"], name="check")
            ET.SubElement(case, "error", message=page["error"])
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)
