"""Every distribution's ``[project.urls]`` links its docs, changelog, source and issues.

An index page shows these links; they must point at this repository's files and at
pages the documentation site builds (mkdocs.yml's ``site_url`` and ``nav``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from _repo import META_NAME, load_distributions

REPO = Path(__file__).resolve().parent.parent.parent
DISTRIBUTIONS = load_distributions(REPO)
KEYS = ["Homepage", "Documentation", "Changelog", "Source", "Issues"]


def _mkdocs() -> dict:
    # mkdocs.yml may hold python tags (!!python/name:...): read it with a loader that skips them
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
    return yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def _nav_pages(nav: list) -> set[str]:
    pages: set[str] = set()
    for item in nav:
        for value in item.values() if isinstance(item, dict) else [item]:
            pages |= _nav_pages(value) if isinstance(value, list) else {value}
    return pages


def _urls(name: str) -> dict[str, str]:
    return DISTRIBUTIONS[name].pyproject["project"].get("urls", {})


REPOSITORY = _urls(META_NAME).get("Homepage", "")
SITE = _mkdocs()["site_url"]


def test_the_site_and_the_repository_have_one_address_each() -> None:
    assert SITE.startswith("https://") and SITE.endswith("/")
    assert REPOSITORY.startswith("https://") and not REPOSITORY.endswith("/")


@pytest.mark.parametrize("name", list(DISTRIBUTIONS))
def test_project_urls_point_at_this_repository_and_its_documentation(name: str) -> None:
    urls = _urls(name)
    assert list(urls) == KEYS
    directory = DISTRIBUTIONS[name].directory.relative_to(REPO).as_posix()
    assert urls["Homepage"] == REPOSITORY
    assert urls["Source"] == f"{REPOSITORY}/tree/main/{directory}"
    assert urls["Changelog"] == f"{REPOSITORY}/blob/main/{directory}/CHANGELOG.md"
    assert urls["Issues"] == f"{REPOSITORY}/issues"
    assert (REPO / directory / "CHANGELOG.md").is_file()
    hosts = {urlsplit(url).netloc for url in urls.values()}
    assert hosts <= {urlsplit(REPOSITORY).netloc, urlsplit(SITE).netloc}


@pytest.mark.parametrize("name", list(DISTRIBUTIONS))
def test_the_documentation_url_is_a_page_of_the_site(name: str) -> None:
    documentation = _urls(name)["Documentation"]
    assert documentation.startswith(SITE)
    page = documentation.removeprefix(SITE).rstrip("/")
    source = f"{page}.md" if page else "index.md"
    assert source in _nav_pages(_mkdocs()["nav"]), f"{documentation}: no {source} in the nav"
    assert (REPO / "docs" / source).is_file()
