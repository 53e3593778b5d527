"""Pure rules of the organisation registry: contact addresses are parsed, not just stored,
so a mistyped number is refused at entry instead of failing at 3 a.m. (A2-RESP-1)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antei.core.domain import Violation
from antei.org import domain

# Japanese mobile numbers: 070/080/090, then a non-zero digit and seven more digits.
mobile_prefix = st.sampled_from(["70", "80", "90"])
mobile_rest = st.tuples(st.integers(1, 9), st.integers(0, 9_999_999)).map(
    lambda t: f"{t[0]}{t[1]:07d}")
FULL_WIDTH = str.maketrans("0123456789-+", "０１２３４５６７８９－＋")


def _spellings(prefix: str, rest: str) -> list[str]:
    national = f"0{prefix}{rest}"
    a, b, c = national[:3], national[3:7], national[7:]
    return [
        national,
        f"{a}-{b}-{c}",
        f"{a} {b} {c}",
        f"({a}) {b}-{c}",
        f"+81 {prefix} {b} {c}",
        f"+81-{prefix}-{b}-{c}",
        f"+81{prefix}{rest}",
        f"  {a}-{b}-{c}  ",
        f"{a}-{b}-{c}".translate(FULL_WIDTH),
    ]


@settings(deadline=None)  # phonenumbers/email_validator warm up on first use
@given(prefix=mobile_prefix, rest=mobile_rest, kind=st.sampled_from(["sms", "voice"]))
def test_japanese_mobile_numbers_normalise_to_e164(prefix: str, rest: str, kind: str) -> None:
    """A2-RESP-1: however a number is typed, one canonical form is stored and dialled."""
    expected = f"+81{prefix}{rest}"
    for spelling in _spellings(prefix, rest):
        assert domain.normalise_contact(kind, spelling) == (expected, []), spelling


@pytest.mark.parametrize(("typed", "expected"), [
    ("03-1234-5678", "+81312345678"),
    ("+81 3 1234 5678", "+81312345678"),
    ("06-6123-4567", "+81661234567"),
    ("0120-123-456", "+81120123456"),
])
def test_landlines_and_free_dial_are_accepted_for_voice(typed: str, expected: str) -> None:
    assert domain.normalise_contact("voice", typed) == (expected, [])


@pytest.mark.parametrize("garbage", [
    "not a number", "090-1234-567", "090-0000-0000", "12", "+1 000", "090-1234-56789-0",
    "abc-defg-hijk", "0",
])
def test_phone_garbage_is_refused_by_rule(garbage: str) -> None:
    address, problems = domain.normalise_contact("sms", garbage)
    assert problems == [Violation("address", "phone", {"value": garbage})]
    assert address == garbage


@settings(deadline=None)  # phonenumbers/email_validator warm up on first use
@given(text=st.text(max_size=60), kind=st.sampled_from(["sms", "voice", "email", "webhook"]))
def test_any_text_returns_a_result_never_an_exception(text: str, kind: str) -> None:
    """Whatever a form or API client sends, the rule answers with violations, not a crash."""
    address, problems = domain.normalise_contact(kind, text)
    assert isinstance(address, str)
    assert all(p.field == "address" for p in problems)
    if not problems:
        assert address
        if kind in ("sms", "voice"):
            assert address.startswith("+") and address[1:].isdigit()


@settings(deadline=None)  # phonenumbers/email_validator warm up on first use
@given(text=st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_accepted_phone_numbers_are_stable(text: str) -> None:
    """Normalising a normalised number changes nothing: stored numbers stay valid."""
    address, problems = domain.normalise_contact("sms", text)
    if not problems:
        assert domain.normalise_contact("sms", address) == (address, [])


@pytest.mark.parametrize(("typed", "expected"), [
    ("yamada@example.jp", "yamada@example.jp"),
    ("  taro.yamada+oncall@bank.example.co.jp ", "taro.yamada+oncall@bank.example.co.jp"),
    ("Ops@Example.JP", "Ops@example.jp"),
])
def test_valid_emails_are_accepted(typed: str, expected: str) -> None:
    assert domain.normalise_contact("email", typed) == (expected, [])


@pytest.mark.parametrize("bad", [
    "yamada", "yamada@", "@example.jp", "yamada@example", "a b@example.jp", "yamada@@x.jp",
    "090-1234-5678",
])
def test_invalid_emails_are_refused(bad: str) -> None:
    assert domain.normalise_contact("email", bad)[1] == [
        Violation("address", "email", {"value": bad})]


@pytest.mark.parametrize("url", [
    "https://hooks.slack.com/services/T000/B000/XXXX",
    "http://alert-gw.bank.internal:8080/hook",
])
def test_webhook_urls_are_accepted(url: str) -> None:
    assert domain.normalise_contact("webhook", url) == (url, [])


@pytest.mark.parametrize("bad", [
    "hooks.slack.com/services/x", "ftp://example.jp/x", "javascript:alert(1)",
    "https://exa mple.jp/", "mailto:ops@example.jp",
])
def test_non_http_webhooks_are_refused(bad: str) -> None:
    assert domain.normalise_contact("webhook", bad)[1] == [
        Violation("address", "url", {"value": bad})]


@pytest.mark.parametrize("kind", ["email", "sms", "voice", "webhook"])
@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_address_is_required(kind: str, blank: str) -> None:
    assert domain.normalise_contact(kind, blank)[1] == [Violation("address", "required")]


@given(kind=st.text(max_size=12).filter(lambda k: k not in domain.CONTACT_KINDS))
def test_unknown_contact_kind_is_refused_by_field(kind: str) -> None:
    problems = domain.normalise_contact(kind, "090-1234-5678")[1]
    assert [(p.field, p.rule) for p in problems] == [("kind", "choice")]


def test_department_needs_code_name_and_known_kind() -> None:
    assert domain.check_department({"code": "SYS-OPS", "name": "システム部",
                                    "kind": "system"}) == []
    rules = {(v.field, v.rule) for v in domain.check_department(
        {"code": "bad code!", "name": "", "kind": "sales"})}
    assert rules == {("code", "code_format"), ("name", "required"), ("kind", "choice")}


@given(code=st.text(max_size=40))
def test_codes_outside_the_pattern_are_refused(code: str) -> None:
    """Codes appear in URLs: short ASCII letters, digits, '-' and '_' only."""
    problems = domain.check_vendor({"code": code, "name": "委託先"})
    ok = (0 < len(code) <= 32 and code.isascii() and code[0].isalnum()
          and all(c.isalnum() or c in "-_" for c in code) and "\n" not in code)
    assert (problems == []) == ok


@pytest.mark.parametrize("code", ["CORE\n", "CORE-01\n", "\nCORE", "CO RE", "コア", "-CORE",
                                  "A" * 33])
def test_codes_that_would_break_urls_are_refused(code: str) -> None:
    assert [(v.field, v.rule) for v in domain.check_department(
        {"code": code, "name": "部署", "kind": "system"})] == [("code", "code_format")]


def test_person_belongs_to_exactly_one_of_department_or_vendor() -> None:
    base = {"code": "P1", "name": "山田"}
    assert domain.check_person(base | {"department": "OPS"}) == []
    assert domain.check_person(base | {"vendor": "VND"}) == []
    for owners in ({}, {"department": "OPS", "vendor": "VND"}):
        assert [(v.field, v.rule) for v in domain.check_person(base | owners)] == [
            ("department", "one_owner")]


def test_contract_end_cannot_precede_start() -> None:
    values = {"reference": "C-1", "title": "運用", "starts_on": date(2024, 4, 1)}
    assert domain.check_contract(values | {"ends_on": date(2024, 4, 1)}) == []
    assert domain.check_contract(values | {"ends_on": date(2024, 3, 31)}) == [
        Violation("ends_on", "date_order", {"other": "2024-04-01"})]


def test_contract_services_are_from_the_list() -> None:
    values = {"reference": "C-1", "title": "運用", "starts_on": date(2024, 4, 1)}
    assert domain.check_contract(values | {"services": ["run", "maintain"]}) == []
    assert [(v.field, v.rule) for v in domain.check_contract(
        values | {"services": ["run", "coffee"]})] == [("services", "choice")]
