"""Every page of the product in English, audited at three sizes as tests/e2e/test_every_page.py
audits it in Vietnamese (the same cases, server and seeded site; this module gets its own, so that
two workers share the longest audit of the suite)."""
import pytest

from tests.e2e.test_every_page import CASES, audit_at_three_sizes
# The module's fixtures, imported by name so that pytest finds them here: one server and one set of
# logged-in pages for this module too.
from tests.e2e.test_every_page import site, visitors  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.mark.parametrize("case", CASES, ids=[f"en-{case.name}" for case in CASES])
def test_every_page_passes_the_audit_at_three_sizes_in_english(visitors, site, case):  # noqa: F811
    audit_at_three_sizes(visitors, site, "en", case)
