import pytest

from shop.pricing import apply_discount, cents, vat


@pytest.mark.parametrize("text, expected", [("0", 0), ("1", 100), ("12.34", 1234), ("0.005", 0), ("0.015", 2)])
def test_cents(text, expected):
    assert cents(text) == expected


@pytest.mark.parametrize("percent", range(0, 101, 10))
def test_discount_never_negative(percent):
    assert 0 <= apply_discount(999, percent) <= 999


def test_discount_rejects_out_of_range():
    with pytest.raises(ValueError):
        apply_discount(100, 101)


@pytest.mark.parametrize("price, expected", [(100, 20), (1, 0), (3, 1), (1000, 200)])
def test_vat(price, expected):
    assert vat(price) == expected
