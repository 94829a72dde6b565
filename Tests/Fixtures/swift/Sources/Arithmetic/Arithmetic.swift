/// Adds two integers; the code under test of the fixture.
public func add(_ a: Int, _ b: Int) -> Int { a + b }

/// Doubles an integer.
public func double(_ a: Int) -> Int { a * 2 }
