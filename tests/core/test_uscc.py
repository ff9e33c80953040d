import pytest

from grants import uscc


@pytest.mark.parametrize("code", ["91350211M000100Y46", "91440300093677087R", "11330400002586130C"])
def test_valid_codes(code):
    assert uscc.problem(code) is None


@pytest.mark.parametrize("code, fragment", [
    ("91350211M000100Y47", "check character"),      # wrong check character
    ("91350211M000100Y4", "exactly 18"),            # too short
    ("91350211M000100Y466", "exactly 18"),          # too long
    ("91350211I000100Y46", "I, O, S, V and Z"),      # forbidden letter I
    ("91350211O000100Y46", "I, O, S, V and Z"),
    ("91350211S000100Y46", "I, O, S, V and Z"),
    ("91350211V000100Y46", "I, O, S, V and Z"),
    ("91350211Z000100Y46", "I, O, S, V and Z"),
    ("91350211-000100Y46", "only digits and capital letters"),
])
def test_invalid_codes(code, fragment):
    assert fragment in uscc.problem(code)


def test_lower_case_and_full_width_are_normalised_before_checking():
    assert uscc.normalise(" 91350211m000100y46 ") == "91350211M000100Y46"
    assert uscc.normalise("９１３５０２１１Ｍ０００１００Ｙ４６") == "91350211M000100Y46"
    assert uscc.is_valid("91350211m000100y46")


def test_make_completes_the_check_character():
    assert uscc.make("91350211M000100Y4") == "91350211M000100Y46"
