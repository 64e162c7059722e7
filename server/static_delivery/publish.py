"""`consent-service export DIR`: a complete build beside the last ones, then one atomic switch of DIR/current.

DIR/builds/ID/public holds the files at the service's URL paths, DIR/builds/ID/consent-nginx.conf the nginx
configuration whose root is that build. nginx includes DIR/current/consent-nginx.conf: until it reloads it keeps
serving the previous build, which stays on disk, so files and headers never mix across builds.
"""

import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from server.notice import DEFAULT_LANG
from server.notice import SUPPORTED_LANGS
from server.registry import REGISTRY_KEY
from server.static_delivery.files import PUBLIC_DIR
from server.static_delivery.files import write_build
from server.static_delivery.files import write_file
from server.static_delivery.negotiation import lang_for
from server.static_delivery.nginx import server_block
from server.static_delivery.representations import resources

NGINX_FILE = "consent-nginx.conf"
CDN_FILE = "CDN.md"
CURRENT = "current"
BUILDS = "builds"
INCOMING_PREFIX = ".incoming-"
# Written into every build (and staging folder) this command makes: only folders holding it are ever pruned.
MARKER = ".consent-export-build"
# The build nginx may still serve until it is reloaded, besides the current one.
KEEP_BUILDS = 2


class ExportError(RuntimeError):
    """The export cannot be written where asked; the message names the path and what to do."""


CDN_NOTE = """# Serving the export from a CDN

Upload `public/` with each file's headers from `headers.json` (Content-Type, Content-Encoding for the .gz and .br
copies, Cache-Control, ETag, Vary), or point the CDN at the nginx this export configures (origin pull): it already
answers with those headers. The CDN must keep `Vary: Accept-Encoding, Origin` (banner.js) and
`Vary: Accept-Encoding, Accept-Language, Origin` (notice) in its cache key, or forward those request headers,
so an agency's Origin gets its CORS answer. `banner.HASH.js` never changes (a year, immutable); `banner.js` and
the notice are cached 5 minutes and revalidated with their ETag. Opt-out, status and every other path stay
dynamic: route them to the service, uncached. Agencies' script tags do not change: the paths are the service's.
"""


# What nginx's `listen` takes here: address:port, port, and flags such as "ssl" (nothing that ends a directive).
LISTEN = re.compile(r"[A-Za-z0-9.:\[\]_ -]+")


def check_options(upstream, listen):
    """Refuse values that are not what nginx expects (or would end the directive): one line naming the option."""
    parts = urlsplit(upstream)
    if parts.scheme not in ("http", "https") or not parts.hostname or not LISTEN.fullmatch(parts.netloc) or (
            parts.path not in ("", "/") or parts.query or parts.fragment):
        raise ExportError(f"--upstream = {upstream!r}: must be the service's address, e.g. http://127.0.0.1:8000")
    if not LISTEN.fullmatch(listen):
        raise ExportError(f"--listen = {listen!r}: must be nginx listen parameters, e.g. 80 or \"443 ssl\"")


def static_langs():
    """The languages nginx may pick itself: those the service picks for a header naming only them.

    nginx's map serves language L when every Accept-Language range is L or L-SUBTAG; a language for which the
    service's own negotiation says otherwise (say it maps pt-BR elsewhere) is left to the service.
    """
    def picked(lang):
        samples = (lang, f"{lang}-ZZ", f"{lang};q=0.5", f"{lang}-ZZ, {lang};q=0.5")
        return all(lang_for(None, sample) == lang for sample in samples)

    return [lang for lang in SUPPORTED_LANGS if picked(lang)] if lang_for(None, "") == DEFAULT_LANG else []


def _check_target(directory):
    current = directory / CURRENT
    if current.exists() and not current.is_symlink():
        raise ExportError(f"{current}: exists and is not a link made by a previous export; "
                          "move it away or export to an empty folder")


def _check_builds(builds):
    if builds.is_symlink():
        raise ExportError(f"{builds}: is a symbolic link; export writes and prunes only a real folder there "
                          "(remove the link or export elsewhere)")


def _made_here(path):
    """A real folder (not a link) holding the marker this command writes: someone else's folders are never removed."""
    marker = path / MARKER
    return not path.is_symlink() and path.is_dir() and not marker.is_symlink() and marker.is_file()


def _prune(builds, keep):
    for path in builds.iterdir():
        if path.name not in keep and _made_here(path):
            shutil.rmtree(path, ignore_errors=True)


def export(app, directory, upstream, listen):
    """Write every agency's static answers and the nginx configuration; returns the new build's folder."""
    check_options(upstream, listen)
    directory = Path(directory).resolve()
    _check_target(directory)
    builds = directory / BUILDS
    _check_builds(builds)
    builds.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=INCOMING_PREFIX, dir=builds))
    write_file(staging / MARKER, b"made by consent-service export: pruned by later exports\n")
    build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + staging.name[len(INCOMING_PREFIX):]
    final = builds / build_id
    table = write_build(resources(app), staging)
    agencies = app.extensions[REGISTRY_KEY].agencies.values()
    public_url = app.config.get("PUBLIC_URL")
    server_name = urlsplit(public_url).hostname if public_url else "_"
    text = server_block(table, agencies, final / PUBLIC_DIR, upstream, listen, server_name, static_langs(),
                        DEFAULT_LANG)
    write_file(staging / NGINX_FILE, text.encode())
    write_file(staging / CDN_FILE, CDN_NOTE.encode())
    os.chmod(staging, 0o755)
    os.rename(staging, final)
    previous = os.readlink(directory / CURRENT) if (directory / CURRENT).is_symlink() else None
    link = directory / f".{CURRENT}-{build_id}"
    os.symlink(Path(BUILDS) / build_id, link)
    # rename(2) over the old link: readers see the old build or the new one, never a missing or half one.
    os.replace(link, directory / CURRENT)
    _prune(builds, {build_id, Path(previous).name if previous else build_id})
    return final

