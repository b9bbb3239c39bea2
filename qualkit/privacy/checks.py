"""Check-digit algorithms for the two national identifiers children carry in our sources.

Why a check and not just a shape: transcripts and FOI replies are full of ten-digit reference
numbers, case numbers and totals. Flagging every ten-digit number would bury the real NHS numbers
in noise and redact data researchers need, so a number counts only if its check digit is right.

- NHS number (NHS Digital data dictionary): weights 10..2 on the first nine digits, total mod 11,
  check = 11 - remainder; 11 becomes 0 and 10 means the number cannot be valid. Scottish CHI
  numbers use the same check, so they are caught too.
- UPN (DfE "Unique pupil numbers" guidance; the school census validation rule 1510 quotes it):
  a check letter then 12 characters (3-digit LA number, 4-digit establishment number, 2-digit
  year, 3-digit serial; a temporary UPN ends in a letter instead of the last digit). Characters
  2..13 are weighted 2..13, a final letter counts as its index in the alphabet below, the total
  mod 23 indexes the alphabet (A..Z without I, O and S) to give the check letter. The LA number
  is not checked against the list of authorities: that list changes and a wrong LA number is
  still a pupil's identifier if the letter fits.
"""
from __future__ import annotations

UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: I, O and S are never used


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS modulus-11 check digit for nine digits, or None when no digit can be valid."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError(f"an NHS number check needs nine digits, got {first_nine!r}")
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid_nhs_number(number: str) -> bool:
    """True for ten digits (spaces and hyphens ignored) whose tenth is the modulus-11 check."""
    digits = number.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def upn_check_letter(last_twelve: str) -> str:
    """The DfE check letter for characters 2..13 of a UPN (11 digits then a digit or letter)."""
    if len(last_twelve) != 12 or not last_twelve[:11].isdigit():
        raise ValueError(f"a UPN check needs 11 digits and one more character, got {last_twelve!r}")
    last = last_twelve[11]
    if last.isdigit():
        values = [int(c) for c in last_twelve]
    elif last in UPN_ALPHABET:
        values = [int(c) for c in last_twelve[:11]] + [UPN_ALPHABET.index(last)]
    else:
        raise ValueError(f"a UPN cannot end in {last!r}")
    return UPN_ALPHABET[sum(v * w for v, w in zip(values, range(2, 14))) % 23]


def is_valid_upn(upn: str) -> bool:
    """True for a 13-character UPN (upper case) whose first letter is the DfE check letter."""
    if len(upn) != 13 or upn[0] not in UPN_ALPHABET or not upn[1:12].isdigit():
        return False
    if not (upn[12].isdigit() or upn[12] in UPN_ALPHABET):
        return False
    return upn_check_letter(upn[1:]) == upn[0]
