# The two commands of the README. Odoo 18.0 must be importable (or ODOO_PATH set).
PYTHON ?= python3

.PHONY: test demo
test:
	$(PYTHON) tools/oms_dev.py test

demo:
	$(PYTHON) tools/oms_dev.py demo
