"""arrears: a collections platform for consumer-finance lenders and their agencies."""

__version__ = "0.1.0"
