"""oms_engine: pure-Python sourcing, promise, risk, return and delay decisions."""
