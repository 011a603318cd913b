"""Every page: a strict Content-Security-Policy, nothing inline that would need loosening it."""

import re
from pathlib import Path

import pytest

import ciodispatch
from tests.conftest import verified_client

TEMPLATES = sorted(Path(ciodispatch.__file__).parent.rglob("templates/**/*.html"))


def test_csp_header_forbids_inline_code(client, registry):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text, "inline <style>"
    assert not re.search(r"\sstyle=", text), "style attribute"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"


@pytest.mark.parametrize(
    "name", ["anonymous", "office", "reviewer", "candidate1", "host1", "host1_head", "pref1"]
)
def test_every_home_link_opens_for_its_role(client, personas, name):
    if name != "anonymous":
        verified_client(client, getattr(personas, name))
    home = client.get("/")
    assert home.status_code == 200
    links = re.findall(r'<li class="card"><h3><a href="([^"]+)"', home.content.decode())
    assert links, "the home page lists what the role can do"
    for link in links:
        assert client.get(link).status_code == 200, link


def test_office_home_offers_office_pages_and_host_home_does_not(client, personas):
    verified_client(client, personas.office)
    office_home = client.get("/").content.decode()
    assert 'href="/audit/"' in office_home and 'href="/local-governments/imports/"' in office_home
    client.logout()
    client.force_login(personas.host1)
    host_home = client.get("/").content.decode()
    assert 'href="/audit/"' not in host_home
    assert f'href="/accounts/organisations/{personas.host1.organisation.pk}/"' in host_home


def test_japanese_by_default_and_english_on_request(client, registry):
    page = client.get("/local-governments/", headers={"accept-language": "en-GB,en"})
    assert page["Content-Language"] == "ja"
    assert "<h1>地方公共団体</h1>" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/local-governments/")
    assert english["Content-Language"] == "en"
    assert "Local governments" in english.content.decode()


def test_dates_are_shown_with_wareki(client, registry):
    assert "（令和" in client.get("/").content.decode()
