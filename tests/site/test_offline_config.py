"""mkdocs.offline.yml (make offline) is mkdocs.yml plus Material's offline plugin: INHERIT replaces lists, so the
plugin list is repeated there and must stay in step with mkdocs.yml's."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def load(name: str) -> dict:
    return yaml.load((ROOT / name).read_text(encoding="utf-8"), Loader=_Loader)


def test_offline_config_is_the_site_plus_the_offline_plugin():
    site, offline = load("mkdocs.yml"), load("mkdocs.offline.yml")
    assert offline["INHERIT"] == "mkdocs.yml"
    assert offline["use_directory_urls"] is False
    assert [p for p in offline["plugins"] if p != "offline"] == site["plugins"]
    assert "offline" in offline["plugins"] and "offline" not in site["plugins"]
