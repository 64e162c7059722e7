"""What a visitor downloads to see the notice: our banner.js for the demo agency vs popular open-source banners.

The others are fetched from the npm registry (`npm pack`) into .cache/bench and measured file by file, as a
browser would download them (each file gzip-compressed with Zopfli, as we serve ours). Run: python bench/banner_size.py
"""

import argparse
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import brotli
import zopfli.gzip

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from consent_banner.build import build_bundle  # noqa: E402
from server.demo_agency import demo_agency  # noqa: E402
from server.notice import DEFAULT_LANG  # noqa: E402
from server.notice import build_notice  # noqa: E402

CACHE = REPO / ".cache" / "bench"
# Each package and the files a visitor's browser fetches to show its banner in English.
OTHERS = {
    "vanilla-cookieconsent@3": ["dist/cookieconsent.umd.js", "dist/cookieconsent.css"],
    "klaro@0.7": ["dist/klaro.js"],
    "tarteaucitronjs@1": ["tarteaucitron.min.js", "lang/tarteaucitron.en.min.js", "tarteaucitron.services.min.js",
                          "css/tarteaucitron.min.css"],
}


def gz(data):
    return len(zopfli.gzip.compress(data))


def fetch(spec):
    """Download (once) and unpack an npm package; returns its package/ folder and version."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = spec.rsplit("@", 1)[0]
    found = sorted(CACHE.glob(f"{name}-[0-9]*.tgz"))
    if not found:
        subprocess.run(["npm", "pack", spec, "--silent", "--pack-destination", str(CACHE)], check=True,
                       capture_output=True, timeout=300)
        found = sorted(CACHE.glob(f"{name}-[0-9]*.tgz"))
    tgz = found[-1]
    target = CACHE / tgz.name.removesuffix(".tgz")
    if not target.is_dir():
        with tarfile.open(tgz) as archive:
            archive.extractall(target, filter="data")
    return target / "package", tgz.name.removesuffix(".tgz").removeprefix(name + "-")


def ours():
    """The demo agency's banner.js as `make run` serves it: one response, script + styles + the English notice."""
    bundle = build_bundle(build_notice(demo_agency("http://127.0.0.1:8000"), DEFAULT_LANG))
    return {"name": "ours (banner.js, demo agency)", "version": "-", "files": 1, "raw": len(bundle.body),
            "gzip": len(bundle.gzip), "brotli": len(bundle.br)}


def theirs(spec, files):
    """Sum of what a browser fetches for one of the other banners."""
    folder, version = fetch(spec)
    blobs = [(folder / path).read_bytes() for path in files]
    return {"name": spec.rsplit("@", 1)[0], "version": version, "files": len(files), "raw": sum(map(len, blobs)),
            "gzip": sum(gz(blob) for blob in blobs), "brotli": sum(len(brotli.compress(b, quality=11)) for b in blobs)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    args = parser.parse_args(argv)
    rows = [ours()] + [theirs(spec, files) for spec, files in OTHERS.items()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print("| banner | version | requests | raw bytes | gzip bytes (Zopfli) | brotli bytes | gzip vs ours |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        ratio = row["gzip"] / rows[0]["gzip"]
        print(f"| {row['name']} | {row['version']} | {row['files']} | {row['raw']} | {row['gzip']} | "
              f"{row['brotli']} | {ratio:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
