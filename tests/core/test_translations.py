"""Every user-visible string has a Japanese translation: Japanese is the default UI.

Scans the templates for {% translate %} / {% trans %} / {% blocktranslate %} and the
Python sources for _() / gettext() / gettext_lazy() / ngettext() calls with literal text,
and checks each against the ja catalogs. A string added without a translation fails here
rather than showing English to a bank's staff.

The project catalog is src/antei/locale/ja; an app may keep its own catalog
(src/antei/<app>/locale/ja) for the strings it introduces. Django merges them, so a string
counts as translated if any of them translates it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

import antei

PACKAGE = Path(antei.__file__).resolve().parent
PO_FILE = PACKAGE / "locale" / "ja" / "LC_MESSAGES" / "django.po"
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "gettext_noop"}

TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1""")
BLOCK_TAG = re.compile(
    r"\{%\s*blocktrans(?:late)?\b(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}",
    re.DOTALL,
)
VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


APP_PO_FILES = sorted(PACKAGE.glob("*/locale/ja/LC_MESSAGES/django.po"))


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale="ja")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return _read(PO_FILE)


@pytest.fixture(scope="module")
def catalogs(catalog: Catalog) -> list[Catalog]:
    return [catalog, *(_read(path) for path in APP_PO_FILES)]


def _translated_in(catalog: Catalog, msgid: str) -> bool:
    message = catalog.get(msgid)
    if message is None:
        # A plural entry is keyed by its singular msgid.
        message = next((m for m in catalog if isinstance(m.id, tuple) and m.id[0] == msgid),
                       None)
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(s.strip() for s in strings)


def _translated(catalogs: list[Catalog], msgid: str) -> bool:
    return any(_translated_in(c, msgid) for c in catalogs)


def _block_msgid(args: str, body: str) -> str:
    """The msgid Django builds from a blocktranslate body (singular part)."""
    singular = re.split(r"\{%\s*plural\s*%\}", body)[0]
    if "trimmed" in args.split():
        singular = " ".join(line.strip() for line in singular.strip().splitlines())
    return VARIABLE.sub(r"%(\1)s", singular)


def template_msgids() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(PACKAGE))
        found += [(where, m.group(2)) for m in TRANSLATE_TAG.finditer(text)]
        found += [(where, _block_msgid(m.group("args"), m.group("body")))
                  for m in BLOCK_TAG.finditer(text)]
    return found


def python_msgids() -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # frozen copies of model labels, never shown from there
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            first = node.args[0]
            if (name in GETTEXT_NAMES and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)):
                found.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", first.value))
    return found


def test_the_scanners_find_strings_we_know_are_there():
    # Guards the test itself: a broken regex would otherwise pass vacuously.
    templates = {m for _, m in template_msgids()}
    python = {m for _, m in python_msgids()}
    assert {"Log in", "Nothing found.", "Delete %(subject)s?"} <= templates
    assert {"Systems", "Administrator", "'%(value)s' is already registered."} <= python


def test_every_template_string_has_a_japanese_translation(catalogs):
    missing = sorted({f"{where}: {msgid!r}" for where, msgid in template_msgids()
                      if not _translated(catalogs, msgid)})
    assert not missing, "untranslated in ja/django.po:\n" + "\n".join(missing)


def test_every_python_string_has_a_japanese_translation(catalogs):
    missing = sorted({f"{where}: {msgid!r}" for where, msgid in python_msgids()
                      if not _translated(catalogs, msgid)})
    assert not missing, "untranslated in ja/django.po:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders(catalogs):
    """A msgstr that drops or renames %(name)s raises KeyError at render time."""
    broken = []
    for message in (m for c in catalogs for m in c):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        broken += [f"{ids[0]!r} -> {s!r}" for s in strings
                   if s and set(PLACEHOLDER.findall(s)) != expected]
    assert not broken, "\n".join(broken)


def test_project_catalog_does_not_shadow_app_catalogs(catalog, catalogs):
    """Django lets the project catalog win: a msgid an app translates itself must not be
    repeated here, or the app's wording could never change."""
    project = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    shadowed = sorted(project & {m.id if isinstance(m.id, str) else m.id[0]
                                 for c in catalogs[1:] for m in c if m.id})
    assert not shadowed, shadowed


def test_catalog_header_is_ready_for_compilation(catalog):
    assert catalog.plural_forms == "nplurals=1; plural=0;"
    assert catalog.mime_headers and dict(catalog.mime_headers)["Content-Type"].lower() == (
        "text/plain; charset=utf-8")
    assert not catalog.fuzzy
    assert not [m.id for m in catalog if m.id and m.fuzzy]
