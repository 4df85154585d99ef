"""Database-free building blocks of oms_addon (canonical order, signatures, imports).

Nothing in this package imports odoo, so it can be tested and benchmarked on its own.
"""
