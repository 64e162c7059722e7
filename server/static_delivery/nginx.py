"""An nginx configuration that answers like the service: the built files at the service's paths, the rest proxied.

Include the generated file inside nginx's `http {}` block. It needs the headers-more module (Debian:
libnginx-mod-http-headers-more-filter, loaded by the stock nginx.conf) to answer a 304 with the service's
headers. Negotiation (coding, notice language, If-None-Match) is done with `map`s, so each answer is one of the
pre-built files with the headers headers.json records; what a file cannot answer (other methods, ?lang=, a mixed
Accept-Language, every other path) goes to the service.
"""

import re

from server.security import HSTS
from server.security import JSON_CSP
from server.security import SCRIPT_CSP
from server.security import STATIC_HEADERS
from server.static_delivery.served_file import ETAG_SUFFIX
from server.static_delivery.served_file import FILE_SUFFIX

# Headers nginx writes itself from the file (length) or from the location (type), or that vary per coding.
COMPUTED = {"content-type", "content-length", "content-encoding", "etag"}
Q = r"(\s*;\s*q\s*=\s*(1(\.0*)?|0?\.[0-9]*[1-9][0-9]*))?"  # a q-value that is not 0
REFUSED = r"\s*;\s*q\s*=\s*0?(\.0*)?\s*(,|$)"


def quote(value):
    """An nginx string literal: double-quoted unless it holds a double quote (regex escapes such as \\s pass as is)."""
    mark = "'" if '"' in value else '"'
    if mark in value or "\n" in value or "\\\\" in value:
        raise ValueError(f"cannot write {value!r} into an nginx configuration")
    return mark + value + mark


def map_line(key, value):
    """One line of a map block."""
    return "    " + quote(key) + " " + value + ";"


def _coding_maps():
    lines = []
    for coding in ("br", "gzip"):
        # First match wins, in werkzeug's order: the coding named (refused with q=0, else accepted), then "*".
        lines += [f"map $http_accept_encoding $consent_accepts_{coding} {{", "    default 0;"]
        for name in (coding, r"\*"):
            lines += [map_line("~*(^|,)" + r"\s*" + name + REFUSED, "0"),
                      map_line("~*(^|,)" + r"\s*" + name + r"\s*(;|,|$)", "1")]
        lines.append("}")
    lines += ['map "$consent_accepts_br$consent_accepts_gzip" $consent_coding {',
              "    default identity;", "    ~^1 br;", "    01 gzip;", "}"]
    for name, table in (("consent_suffix", FILE_SUFFIX), ("consent_etag_suffix", ETAG_SUFFIX)):
        lines += [f"map $consent_coding ${name} {{", '    default "";']
        lines += [f"    {coding} {quote(value)};" for coding, value in table.items() if value]
        lines.append("}")
    # Content-Encoding and the script CSP belong to a 200 only (a 304 carries neither, as the service's).
    lines += ['map "$status:$consent_coding" $consent_content_encoding {', '    default "";',
              "    200:br br;", "    200:gzip gzip;", "}",
              "map $status $consent_script_csp {", f"    default {quote(JSON_CSP)};",
              f"    200 {quote(SCRIPT_CSP)};", "}"]
    return lines


def _language_maps(langs, default_lang):
    lines = ["map $http_accept_language $consent_lang {", '    default "";']
    if default_lang in langs:
        lines.append(f'    "" {default_lang};')
    for lang in langs:
        one = re.escape(lang) + r"(-[a-z0-9]+)*" + Q + r"\s*"
        # Every range of the header names the same language: the service picks it whatever the q-values.
        lines.append(map_line("~*^" + r"\s*" + one + r"(,\s*" + one + ")*$", lang))
    lines += ["}", 'map "$args:$consent_lang" $consent_notice_lang {', '    default "";',
              "    ~^:(?<lang>[A-Za-z-]+)$ $lang;", "}"]
    return lines


def _validator_maps(table):
    lines = ["map $consent_resource $consent_etag {", '    default "";']
    lines += [map_line(url, dict(entry["not_modified"]["identity"])["ETag"].strip('"'))
              for url, entry in sorted(table.items())]
    lines += ["}", 'map "$consent_resource|$http_if_none_match" $consent_not_modified {', "    default 0;",
             map_line(r"~\|\s*\*\s*$", "1")]
    for url, entry in sorted(table.items()):
        tags = {tag.strip('"') for tag in entry["etags"]}
        pattern = "|".join(sorted(re.escape(tag) for tag in tags))
        # werkzeug's parse_etags, as the service reads it: a weak mark W/ or w/, the tag quoted or not.
        tag = r'([Ww]/)?("(' + pattern + r')"|(' + pattern + r'))'
        lines.append(map_line("~^" + re.escape(url) + r"\|(.*,)?\s*" + tag + r"\s*(,.*)?$", "1"))
    lines.append("}")
    return lines


def _cors_maps(agencies):
    lines = ['map "$consent_agency|$http_origin" $consent_agency_origin {', '    default "";']
    for agency in agencies:
        lines += [map_line(agency.id + "|" + origin, "$http_origin") for origin in agency.origins]
    lines += ["}", 'map "$http_origin|$scheme://$http_host" $consent_own_origin {', '    default "";',
              "    ~^(?<origin>.+)\\|(?P=origin)$ $http_origin;", "}",
              "map $consent_agency_origin $consent_allow_origin {", "    default $consent_agency_origin;",
              '    "" $consent_own_origin;', "}",
              "map $consent_allow_origin $consent_expose {", "    default ETag;", '    "" "";', "}",
              "map $scheme $consent_hsts {", '    default "";', f"    https {quote(HSTS[1])};", "}"]
    return lines


def _headers(entry, script):
    """add_header lines for one resource: its recorded headers, then CORS and the security headers."""
    lines = []
    for name, value in entry["headers"]["identity"]:
        if name.lower() not in COMPUTED:
            lines.append(f"add_header {name} {quote(value)};")
    lines += ["add_header ETag '\"$consent_etag$consent_etag_suffix\"';",
              "add_header Content-Encoding $consent_content_encoding;",
              "add_header Access-Control-Allow-Origin $consent_allow_origin;",
              "add_header Access-Control-Expose-Headers $consent_expose;"]
    lines += [f"add_header {name} {quote(value)};" for name, value in STATIC_HEADERS]
    csp = "$consent_script_csp" if script else quote(JSON_CSP)
    lines += [f"add_header Content-Security-Policy {csp};", "add_header Strict-Transport-Security $consent_hsts;"]
    return lines


def _location(match, agency_id, resource, file_expression, entry, script):
    body = [f"set $consent_agency {agency_id};", f"set $consent_resource {resource};",
            # Other methods are the service's (its 405 JSON); so is what the files cannot answer.
            "if ($request_method !~ ^(GET|HEAD)$) { return 418; }"]
    if not script:
        body.append('if ($consent_notice_lang = "") { return 418; }')
    body += ["if ($consent_not_modified) { return 304; }",
             f"rewrite ^ {file_expression}$consent_suffix break;",
             "types { }", f"default_type {quote(entry['content_type'])};", "etag off;", "max_ranges 0;",
             # A 304 carries neither (nginx's `return 304` would add both; headers-more takes them off).
             "more_clear_headers -s 304 Content-Type Content-Length;",
             'add_header Last-Modified "";', *_headers(entry, script)]
    return [f"    location {match} {{", *(f"        {line}" for line in body), "    }"]


def server_block(table, agencies, root, upstream, listen, server_name, langs, default_lang):
    """The configuration text: maps, then one server block with a location per static answer."""
    lines = ["# Generated by `consent-service export`: re-run it after a configuration change, then reload nginx.",
             *_coding_maps(), *_language_maps(langs, default_lang), *_validator_maps(table), *_cors_maps(agencies),
             "server {", f"    listen {listen};", f"    server_name {server_name};", f"    root {root};",
             "    error_page 418 = @consent_service;",
             "    location @consent_service {", f"        proxy_pass {upstream};",
             "        proxy_set_header Host $http_host;",
             "        proxy_set_header X-Forwarded-Proto $scheme;", "    }",
             f"    location / {{ proxy_pass {upstream}; proxy_set_header Host $http_host; "
             "proxy_set_header X-Forwarded-Proto $scheme; }"]
    notices = {}
    for url, entry in sorted(table.items()):
        if entry["lang"] is None:
            lines += _location(f"= {url}", entry["agency"], url, url, entry, script=True)
        else:
            notices.setdefault(entry["agency"], entry)
    for agency_id, entry in sorted(notices.items()):
        path = f"/v1/{agency_id}/notice"
        lines += _location(f"= {path}", agency_id, f"{path}.$consent_notice_lang",
                           f"{path}.$consent_notice_lang", entry, script=False)
    lines.append("}")
    return "\n".join(lines) + "\n"
