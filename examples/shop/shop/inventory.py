"""Stock levels with reservations."""


class OutOfStock(Exception):
    pass


class Inventory:
    def __init__(self):
        self._stock = {}
        self._reserved = {}

    def add(self, sku: str, count: int) -> None:
        if count <= 0:
            raise ValueError("count must be positive")
        self._stock[sku] = self._stock.get(sku, 0) + count

    def available(self, sku: str) -> int:
        return self._stock.get(sku, 0) - self._reserved.get(sku, 0)

    def reserve(self, sku: str, count: int) -> None:
        if self.available(sku) < count:
            raise OutOfStock(sku)
        self._reserved[sku] = self._reserved.get(sku, 0) + count

    def release(self, sku: str, count: int) -> None:
        self._reserved[sku] = max(0, self._reserved.get(sku, 0) - count)
