# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

# Business records the demo data creates. Once used (stock moved, orders placed)
# they cannot be deleted, and a company keeps them anyway: the uninstall forgets
# their xml ids instead of trying to delete them.
KEPT_DEMO_MODELS = (
    "crm.team",
    "delivery.carrier",
    "product.category",
    "product.pricelist",
    "product.product",
    "product.template",
    "res.currency.rate",
    "res.partner",
    "res.partner.category",
    "stock.location",
    "stock.package.type",
    "stock.quant",
    "stock.warehouse",
)


def uninstall_hook(env):
    """Keep the demo's products, partners, warehouses and carriers on uninstall."""
    env.cr.execute(
        "DELETE FROM ir_model_data WHERE module = 'oms_addon' AND model IN %s",
        [KEPT_DEMO_MODELS],
    )
