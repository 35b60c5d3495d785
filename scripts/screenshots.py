#!/usr/bin/env python3
"""Screenshots of the documentation site, taken with headless Chromium, for docs/img/site/.

    python scripts/screenshots.py                          # build the site, then shoot
    python scripts/screenshots.py --site site              # shoot a site already built
    python scripts/screenshots.py --reference reference/core/

1. builds the site into a temporary directory with ``hatch run docs:build``
   (``mkdocs build --strict``), unless ``--site`` names one already built;
2. serves it on a free port of 127.0.0.1 (``http.server``, in this process);
3. runs headless Chromium (``--chromium``, default Debian's ``/usr/bin/chromium``) once
   per page, at 1280×1600, with a throwaway profile and no background networking;
4. writes ``tutorial.png`` (the page ``--tutorial``, default ``tutorial/``) and
   ``reference.png`` (``--reference``, default ``reference/views/``) into ``--out``
   (default ``docs/img/site/``), and checks each is a PNG of that size.

A page missing from the site is an error, except the tutorial: without one (no
``docs/tutorial.md``), ``tutorial.png`` shows the first page of the navigation
instead, and the script says so. mkdocs.yml's ``exclude_docs`` keeps ``img/site/``
out of the site itself.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _cli

WIDTH, HEIGHT = 1280, 1600
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def build_site(root: Path, out: Path) -> None:
    """``mkdocs build --strict`` into ``out``, through the docs hatch environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HATCH_ENV")}
    cmd = ["hatch", "run", "docs:build", "--site-dir", str(out)]
    print(f"screenshots: building the site: {' '.join(cmd)}", flush=True)
    built = _cli.run(cmd, cwd=root, env=env)
    if built.returncode != 0:
        sys.stderr.write(built.stdout + built.stderr)
        raise SystemExit("screenshots: the site did not build")


def first_nav_page(root: Path) -> str:
    """The URL path of the first page in mkdocs.yml's ``nav`` (``""`` for index.md)."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    nav = text.split("\nnav:\n", 1)[1] if "\nnav:\n" in text else ""
    first = re.search(r"^\s*-\s+(?:[^\n]*:\s+)?(\S+\.md)\s*$", nav, re.M)
    if first is None:
        raise SystemExit("screenshots: no page in mkdocs.yml's nav")
    return url_path(first[1])


def url_path(markdown: str) -> str:
    """``tutorial.md`` -> ``tutorial/``, ``example/README.md`` -> ``example/`` (mkdocs' URLs)."""
    stem = markdown.removesuffix(".md")
    for index in ("index", "README"):
        if stem == index or stem.endswith(f"/{index}"):
            return stem.removesuffix(index)
    return f"{stem}/"


def in_site(site: Path, path: str) -> bool:
    return (site / path / "index.html").is_file()


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free port of 127.0.0.1 for the duration; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            thread.join()


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a PNG file (its IHDR chunk), None when it is not one."""
    head = path.read_bytes()[:24] if path.is_file() else b""
    if len(head) < 24 or not head.startswith(PNG_SIGNATURE):
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def shoot(chromium: str, url: str, out: Path) -> None:
    """One screenshot of ``url`` into ``out``, at WIDTH×HEIGHT."""
    out.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-profile-") as profile:
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={out}",
            url,
        ]
        try:
            done = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
            )
        except subprocess.TimeoutExpired as exc:
            raise SystemExit(f"screenshots: {chromium} took over 120 s on {url}") from exc
    if png_size(out) != (WIDTH, HEIGHT):
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"screenshots: no {WIDTH}x{HEIGHT} PNG from {chromium} for {url}")
    print(f"screenshots: {url} -> {out}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__)
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--out", type=Path, help="where the PNGs go (default: docs/img/site)")
    parser.add_argument("--tutorial", default="tutorial/", help="default: %(default)s")
    parser.add_argument("--reference", default="reference/views/", help="default: %(default)s")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="default: %(default)s")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / "docs" / "img" / "site").resolve()
    chromium = shutil.which(args.chromium)
    if chromium is None:
        parser.error(f"{args.chromium} not found (Debian: apt-get install chromium)")

    with tempfile.TemporaryDirectory(prefix="screenshots-site-") as tmp:
        site = args.site.resolve() if args.site else Path(tmp) / "site"
        if not args.site:
            build_site(root, site)
        tutorial = args.tutorial
        if not in_site(site, tutorial):
            tutorial = first_nav_page(root)
            print(
                f"screenshots: {args.tutorial} is not in the site (no tutorial page on this "
                f"branch): tutorial.png shows the first page of the navigation, "
                f"/{tutorial}, instead",
                flush=True,
            )
        if not in_site(site, args.reference):
            parser.error(f"{args.reference} is not a page of the site ({site})")
        out.mkdir(parents=True, exist_ok=True)
        with serve(site) as base:
            shoot(chromium, base + tutorial, out / "tutorial.png")
            shoot(chromium, base + args.reference, out / "reference.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
