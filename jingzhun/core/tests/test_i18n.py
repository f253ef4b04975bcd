"""The English UI is coherent: pages, service errors and messages all switch, and the catalog is complete.

The msgids are Chinese; English comes from locale/en/LC_MESSAGES/django.po (compiled to django.mo).
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from jingzhun.areas.services import area_update
from jingzhun.core.errors import AccessDenied, DomainError

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    # The locale middleware activates the request's language in this thread and nothing resets it:
    # leave the default (Chinese) behind for the tests that run next.
    yield
    translation.deactivate()


@pytest.fixture
def english(personas, client_for):
    """A county administrator's client after switching the UI to English."""
    client = client_for(personas.county_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_home_page_in_english(english):
    html = page(english, "/")
    assert 'lang="en"' in html
    assert "Hello, county_admin" in html and "Visible areas" in html and "My roles and areas" in html
    # The scope bar and the role stored in the database are translated too.
    assert "My scope:" in html and "我的范围" not in html
    assert "County administrator" in html and "县级管理员" not in html


@pytest.mark.django_db
def test_area_pages_in_english(english, personas):
    tree = personas.tree
    html = page(english, f"/areas/{tree.county.code}/")
    assert "Subordinate areas" in html and "Annual statistics" in html
    # "下辖 N 个…": counted with English plurals, never a raw level code.
    assert "2 townships" in html and "3 villages" in html and "1 village group" in html
    assert "个乡镇" not in html and ">group<" not in html
    village = page(english, f"/areas/{tree.village_a1.code}/")
    assert "Yes (listed 2014, exited 2018)" in village
    assert "退出" not in village


@pytest.mark.django_db
def test_user_list_in_english(english):
    html = page(english, "/accounts/users/")
    assert "New user" in html and "Roles & permissions" in html and "All roles" in html
    assert "County administrator" in html  # role names in the filter come from the database
    assert "新建用户" not in html


@pytest.mark.django_db
def test_service_error_and_success_message_in_english(english, personas):
    township = personas.tree.township_a
    response = english.post(f"/areas/{township.code}/edit/", {"name": "甲镇", "is_poor_village": "on"})
    assert "Only villages can be marked as poor villages." in response.content.decode()
    response = english.post(f"/areas/{township.code}/edit/", {"name": "甲镇"}, follow=True)
    assert "Saved." in response.content.decode()


@pytest.mark.django_db
def test_domain_error_follows_the_active_language(personas):
    village = personas.tree.village_a1
    with translation.override("en"), pytest.raises(AccessDenied) as denied:
        area_update(actor=personas.village_b1, area=village, name="新名")
    assert denied.value.message == "You may not change “甲一村”."
    with translation.override("en"), pytest.raises(DomainError) as info:
        area_update(actor=personas.county_admin, area=village, name="  ")
    assert info.value.message == "The name cannot be empty."
    with translation.override("en"):
        assert str(DomainError("x", row=3)) == "Row 3: x"
        assert AccessDenied().message == "You do not have permission to perform this action."
    # Chinese stays the default when nobody switched.
    with pytest.raises(DomainError) as info:
        area_update(actor=personas.county_admin, area=village, name="")
    assert info.value.message == "名称不能为空。"
    assert str(DomainError("x", row=3)) == "第3行：x"


# --- the catalog -------------------------------------------------------------------------------------


def _parse_po(text: str) -> list[dict]:
    """A small .po reader: entries with msgid, msgid_plural, msgstr (list) and flags."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for line in text.splitlines():
        line = line.strip()
        if not line:
            finish()
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            name, index, value = match.groups()
            key = ("msgstr", int(index or 0)) if name.startswith("msgstr") else (name, None)
            line = value
        value = ast.literal_eval(line)
        if key[0] == "msgstr":
            entry["msgstr"][key[1]] = entry["msgstr"].get(key[1], "") + value
        else:
            entry[key[0]] = entry.get(key[0], "") + value
    finish()
    return [e for e in entries if e["msgid"] and not e["obsolete"]]


def _entries() -> list[dict]:
    text = (CATALOG / "django.po").read_text(encoding="utf-8")
    try:
        import polib
    except ImportError:
        return _parse_po(text)
    return [
        {
            "msgid": e.msgid,
            "msgid_plural": e.msgid_plural or None,
            "msgctxt": e.msgctxt,
            "flags": set(e.flags),
            "msgstr": dict(e.msgstr_plural) if e.msgid_plural else {0: e.msgstr},
        }
        for e in polib.pofile(text)
        if not e.obsolete
    ]


def test_catalog_is_complete_and_compiled():
    entries = _entries()
    assert len(entries) > 300
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]]
    assert fuzzy == [] and untranslated == []
    # Placeholders survive translation.
    for e in entries:
        wanted = sorted(re.findall(r"%\(\w+\)s", e["msgid"]))
        for text in e["msgstr"].values():
            assert sorted(set(re.findall(r"%\(\w+\)s", text))) == sorted(set(wanted)), e["msgid"]
    # django.mo was compiled from this django.po.
    with open(CATALOG / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for e in entries:
        if e.get("msgctxt"):
            continue
        if e.get("msgid_plural"):
            assert mo.ngettext(e["msgid"], e["msgid_plural"], 2) == e["msgstr"][1], e["msgid"]
        else:
            assert mo.gettext(e["msgid"]) == e["msgstr"][0], e["msgid"]
