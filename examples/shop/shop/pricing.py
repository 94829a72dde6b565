"""Prices in integer cents, so rounding never surprises anyone."""
from decimal import Decimal, ROUND_HALF_EVEN


def cents(amount: str) -> int:
    """Parse '12.34' into 1234 cents."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return int(value * 100)


def apply_discount(price: int, percent: int) -> int:
    if not 0 <= percent <= 100:
        raise ValueError(f"discount must be 0..100, got {percent}")
    return price - (price * percent + 50) // 100


def vat(price: int, rate_percent: int = 20) -> int:
    return (price * rate_percent + 50) // 100
