"""vipcrm: a bank's VIP client service from one SQLite file."""

__version__ = "0.1.0"
