"""Find identifiers of children and families in interview and FOI text, with plain ``re``.

What was decided, and why:
- Precision matters as much as recall. Our sources are full of dates, years, times, money,
  percentages and counts ("about 1,200 pupils"); redacting those would wreck the analysis. So
  numbers count only with a valid check digit (NHS number, UPN, see ``checks``), phones only
  with a UK prefix and the right number of digits, postcodes only with a real postcode area and
  the inward part ("SW1A 1AA", not "SW1A"). No number glued to a letter, digit, currency sign or
  decimal/date separator is ever taken.
- Names are not guessed (no NER): the caller passes the people's names from project settings.
  They match whole words, case-insensitively, so "Ellie's" and "ELLIE" are found; a name that is
  also an ordinary word ("Will", "Hope") will therefore match that word too.
- Overlaps are settled deterministically: the longest finding wins, then the earliest, then the
  kind listed first in ``KINDS`` (so a ten-digit string that is both a valid NHS number and a
  phone number is an NHS number).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qualkit.models import QualkitError
from qualkit.privacy.checks import is_valid_nhs_number, is_valid_upn

KINDS = ("nhs_number", "upn", "email", "phone_uk", "postcode", "name")


@dataclass(frozen=True)
class Finding:
    """One identifier: ``text[start:end] == text`` in the document it was found in."""

    kind: str
    start: int
    end: int
    text: str


# A number must not continue a word, another number, a date, a decimal or an amount of money.
_BEFORE = r"(?<![\w£$€+])(?<!\d[.,/:])"
_AFTER = r"(?!\w)(?![.,/:]\d)(?!\s?%)"

_NHS_RE = re.compile(
    rf"{_BEFORE}(?:\d{{10}}|\d{{3}}(?P<sep>[ -])\d{{3}}(?P=sep)\d{{4}}){_AFTER}"
)
_UPN_RE = re.compile(rf"{_BEFORE}[A-HJ-NP-RT-Z]\d{{11}}[\dA-HJ-NP-RT-Z]{_AFTER}")
_EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[\w%+-]+(?:\.[\w%+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![\w-])"
)
# A run of phone-looking groups; which prefix of it is a phone number is decided in Python.
_PHONE_RE = re.compile(
    rf"{_BEFORE}(?P<head>(?:\+44[ -]?(?:\(0\)[ -]?)?|\(0\d{{2,5}}\)[ -]?(?=\d)|(?=0))"
    r"\d{2,11})(?P<rest>(?:[ -]\d{3,8})*)"
)
_NOT_AFTER_NUMBER = re.compile(r"\w|[.,/:]\d|\s?%")

# The postcode areas of the UK and Crown dependencies (plus BF/BX, forces and non-geographic).
_AREAS = """AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH
DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L
LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG
SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO
ZE""".split()
_POSTCODE_RE = re.compile(
    r"(?<![\w£$€])(?P<area>" + "|".join(sorted(_AREAS, key=lambda a: (-len(a), a))) + r")"
    r"(?P<district>\d[A-Z\d]?) ?(?P<inward>\d[ABD-HJLNP-UW-Z]{2})(?![\w-])",
    re.IGNORECASE,
)
_ORDINAL_RE = re.compile(r"\d(?:st|nd|rd|th)")


def _numbers(text: str) -> list[Finding]:
    found = [Finding("nhs_number", m.start(), m.end(), m.group())
             for m in _NHS_RE.finditer(text) if is_valid_nhs_number(m.group())]
    found += [Finding("upn", m.start(), m.end(), m.group())
              for m in _UPN_RE.finditer(text) if is_valid_upn(m.group())]
    return found


def _is_uk_phone(digits: str) -> bool:
    """Digits of a UK number in national form: 0 and ten more (01, 02, 03, 07, 08, 09), or a
    ten-digit 0800/0500 freephone number. The rare ten-digit geographic numbers (a few 01 areas
    with four- or five-digit local numbers) are not recognised: allowing them would turn any
    ten digits after a 01 into a phone."""
    if len(digits) == 11:
        return digits[1] in "123789"
    return len(digits) == 10 and digits.startswith(("0800", "0500"))


def _national_digits(candidate: str) -> str:
    if candidate.startswith("+44"):
        candidate = "0" + candidate[3:].replace("(0)", "", 1)
    return re.sub(r"\D", "", candidate)


def _phones(text: str) -> list[Finding]:
    """The longest leading groups of each phone-looking run that make a UK number.

    When no prefix of a run is a phone, the search resumes after its first group, so a phone
    that follows a misprinted one ("0161 496 01234 07700 900123") is still found.
    """
    found, pos = [], 0
    while m := _PHONE_RE.search(text, pos):
        ends = [m.end("head")] + [m.end("head") + g.end() for g in
                                  re.finditer(r"[ -]\d+", m["rest"])]
        pos = m.end("head")
        for end in reversed(ends):
            piece = text[m.start():end]
            if (_is_uk_phone(_national_digits(piece))
                    and not _NOT_AFTER_NUMBER.match(text, end)):
                found.append(Finding("phone_uk", m.start(), end, piece))
                pos = end
                break
    return found


def _postcodes(text: str) -> list[Finding]:
    found = []
    for m in _POSTCODE_RE.finditer(text):
        inward = m["inward"]
        if inward.islower() and _ORDINAL_RE.fullmatch(inward) and " " in m.group():
            continue  # "e2 3rd" is an ordinal after a word, not a postcode
        found.append(Finding("postcode", m.start(), m.end(), m.group()))
    return found


def flatten_names(names: Iterable[str | Sequence[str]]) -> list[str]:
    """Each name or alias once, whitespace collapsed; a tuple entry lists one person's aliases."""
    out: dict[str, str] = {}
    for entry in names:
        for name in [entry] if isinstance(entry, str) else entry:
            clean = " ".join(str(name).split())
            if clean:
                out.setdefault(clean.casefold(), clean)
    return list(out.values())


def _names(text: str, names: Iterable[str | Sequence[str]]) -> list[Finding]:
    wanted = sorted(flatten_names(names), key=lambda n: (-len(n), n.casefold()))
    if not wanted:
        return []
    alternation = "|".join(r"\s+".join(map(re.escape, n.split())) for n in wanted)
    pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
    return [Finding("name", m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the longest of overlapping findings (then the earliest, then by ``KINDS``)."""
    rank = {k: i for i, k in enumerate(KINDS)}
    order = sorted(set(findings), key=lambda f: (f.start - f.end, f.start, rank.get(f.kind, 99)))
    kept: list[Finding] = []
    for f in order:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end))


def find_identifiers(text: str, names: Iterable[str | Sequence[str]] = (),
                     kinds: Iterable[str] | None = None) -> list[Finding]:
    """Every identifier in ``text``, in order, without overlaps.

    ``names``: people's names to find (a tuple entry gives one person's aliases, e.g.
    ``("Ellie Hart", "Ellie")``). ``kinds``: a subset of ``KINDS``; default all.
    """
    wanted = set(KINDS if kinds is None else kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise QualkitError(f"privacy: unknown identifier kind(s) {', '.join(sorted(unknown))}; "
                           f"known kinds are {', '.join(KINDS)}")
    found: list[Finding] = []
    if wanted & {"nhs_number", "upn"}:
        found += [f for f in _numbers(text) if f.kind in wanted]
    if "email" in wanted:
        found += [Finding("email", m.start(), m.end(), m.group()) for m in _EMAIL_RE.finditer(text)]
    if "phone_uk" in wanted:
        found += _phones(text)
    if "postcode" in wanted:
        found += _postcodes(text)
    if "name" in wanted:
        found += _names(text, names)
    return resolve_overlaps(found)
