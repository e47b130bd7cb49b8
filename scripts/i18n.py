"""Translation catalogs, one per domain: ecabinet/<domain>/translations/vi/LC_MESSAGES/messages.po.

    python scripts/i18n.py update [DOMAIN...]  # extract strings, merge them into the domain catalogs
    python scripts/i18n.py compile   # .po -> .mo (run by the set-up and the tests)
    python scripts/i18n.py check     # list strings without a Vietnamese translation (exit 1 if any)

Source strings are English; Vietnamese is the default language of the UI.
"""
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ecabinet"
TEMPLATES = ROOT / "templates"
LOCALES = ("vi",)  # English is the source language
# N_ and Nn_ mark messages translated elsewhere (WTForms' own, see ecabinet/core/forms.py).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3), "N_": None, "Nn_": (1, 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols"}


def domains():
    """Every domain package, plus 'core' which owns the shared templates and top-level modules."""
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def _extract(directory, method_map, options_map=None):
    if not directory.exists():
        return []
    return list(extract_from_dir(str(directory), method_map, options_map or {}, keywords=KEYWORDS,
                                 comment_tags=("NOTE",), strip_comment_tags=True))


def extract_domain(domain):
    """(msgid, plural, locations) of the domain's source strings."""
    found = []
    py_map = [("**.py", "python")]
    html_map = [("**.html", "jinja2")]
    html_options = {"**.html": JINJA_OPTIONS}
    for filename, lineno, message, _comments, _context in _extract(PACKAGE / domain, py_map):
        found.append((f"ecabinet/{domain}/{filename}", lineno, message))
    for filename, lineno, message, _comments, _context in _extract(TEMPLATES / domain, html_map, html_options):
        found.append((f"templates/{domain}/{filename}", lineno, message))
    if domain == "core":
        for path in sorted(PACKAGE.glob("*.py")):
            for filename, lineno, message, _c, _x in _extract_file(path, "python"):
                found.append((f"ecabinet/{path.name}", lineno, message))
        for path in sorted(TEMPLATES.glob("*.html")) + sorted((TEMPLATES / "errors").glob("*.html")):
            for filename, lineno, message, _c, _x in _extract_file(path, "jinja2"):
                found.append((str(path.relative_to(ROOT)), lineno, message))
    return found


def _extract_file(path, method):
    from babel.messages.extract import extract

    options = JINJA_OPTIONS if method == "jinja2" else {}
    with open(path, "rb") as handle:
        for lineno, message, comments, context in extract(method, handle, keywords=KEYWORDS, options=options):
            yield str(path), lineno, message, comments, context


def template_catalog(domain):
    catalog = Catalog(project="E-Cabinet", domain="messages")
    for location, lineno, message in extract_domain(domain):
        catalog.add(message, locations=[(location, lineno)])
    return catalog


def catalog_path(domain, locale):
    return PACKAGE / domain / "translations" / locale / "LC_MESSAGES" / "messages.po"


def load(domain, locale):
    path = catalog_path(domain, locale)
    if not path.exists():
        return Catalog(locale=locale, project="E-Cabinet")
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def update(only=None):
    for domain in only or domains():
        template = template_catalog(domain)
        if not len(template):
            continue
        for locale in LOCALES:
            catalog = load(domain, locale)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            path = catalog_path(domain, locale)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                write_po(handle, catalog, width=100, omit_header=False, sort_output=False)
            print(f"{path.relative_to(ROOT)}: {len(catalog)} strings")


def compile_all():
    for path in sorted(PACKAGE.glob("*/translations/*/LC_MESSAGES/messages.po")):
        locale = path.parent.parent.name
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=locale)
        with open(path.with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def missing():
    """(domain, msgid) pairs used in the code but without a Vietnamese translation."""
    gaps = []
    for domain in domains():
        catalog = load(domain, "vi")
        for message in template_catalog(domain):
            if not message.id:
                continue
            translated = catalog.get(message.id)
            strings = translated.string if translated else None
            if isinstance(strings, tuple):
                ok = all(strings)
            else:
                ok = bool(strings)
            if not ok or (translated and translated.fuzzy):
                gaps.append((domain, message.id if isinstance(message.id, str) else message.id[0]))
    return gaps


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if command == "update":
        update(sys.argv[2:])
    elif command == "compile":
        compile_all()
    elif command == "check":
        gaps = missing()
        for domain, msgid in gaps:
            print(f"{domain}: {msgid}")
        sys.exit(1 if gaps else 0)
    else:
        sys.exit(__doc__)
