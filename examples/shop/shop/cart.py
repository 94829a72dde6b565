"""A cart that reserves stock as items are added."""
from .inventory import Inventory
from .pricing import apply_discount, vat


class Cart:
    def __init__(self, inventory: Inventory, prices: dict):
        self.inventory = inventory
        self.prices = prices
        self.lines = {}

    def add(self, sku: str, count: int = 1) -> None:
        self.inventory.reserve(sku, count)
        self.lines[sku] = self.lines.get(sku, 0) + count

    def remove(self, sku: str) -> None:
        count = self.lines.pop(sku, 0)
        self.inventory.release(sku, count)

    def subtotal(self) -> int:
        return sum(self.prices[sku] * n for sku, n in self.lines.items())

    def total(self, discount_percent: int = 0) -> int:
        net = apply_discount(self.subtotal(), discount_percent)
        return net + vat(net)
