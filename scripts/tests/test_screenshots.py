"""scripts/screenshots.py shoots pages of a built site with headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from screenshots import HEIGHT, WIDTH, first_nav_page, png_size, url_path

SCRIPTS = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"

MKDOCS = """\
site_name: t
nav:
  - Home: index.md
  - Guides:
      - Views: views.md
"""


def shoot(root: Path, site: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/screenshots.py on ``site`` (``root`` holds mkdocs.yml) into root/shots."""
    return subprocess.run(
        [sys.executable, str(SCRIPTS / "screenshots.py"), "--root", str(root), "--site",
         str(site), "--out", str(root / "shots"), *options],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("markdown", "path"),
    [
        ("index.md", ""),
        ("tutorial.md", "tutorial/"),
        ("reference/views.md", "reference/views/"),
        ("example/README.md", "example/"),
    ],
)
def test_a_page_is_found_where_mkdocs_writes_it(markdown: str, path: str) -> None:
    assert url_path(markdown) == path


def test_the_first_page_of_the_navigation(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS.replace("Home: index.md", "Tutorial: tutorial.md"))
    assert first_nav_page(tmp_path) == "tutorial/"


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"needs {CHROMIUM}")
def test_a_site_without_a_tutorial_is_shot_at_its_first_page(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    site = tmp_path / "site"
    for path, title in (("", "Home"), ("reference/views/", "Views reference")):
        (site / path).mkdir(parents=True, exist_ok=True)
        (site / path / "index.html").write_text(f"<html><body><h1>{title}</h1></body></html>")
    out = tmp_path / "shots"

    done = shoot(tmp_path, site)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "tutorial/ is not in the site" in done.stdout
    assert "the first page of the navigation, /, instead" in done.stdout
    assert png_size(out / "tutorial.png") == (WIDTH, HEIGHT)
    assert png_size(out / "reference.png") == (WIDTH, HEIGHT)


def test_a_missing_reference_page_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<html></html>")
    # --chromium is never run: the page check comes first
    done = shoot(tmp_path, tmp_path / "site", "--chromium", sys.executable)
    assert done.returncode == 2
    assert "reference/views/ is not a page of the site" in done.stderr
    assert not (tmp_path / "shots").exists()
