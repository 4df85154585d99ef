# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Order Management System",
    "summary": "Multichannel order intake, holds, sourcing, fulfilment and returns "
    "on top of Sales, Inventory and Accounting",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/oms-addon/oms_addon",
    "author": "oms_addon developers",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "sale_management",
        "sale_stock",
        "stock_picking_batch",
        "delivery",
        "stock_delivery",
        "mail",
        "portal",
    ],
    "data": [
        "security/oms_security.xml",
        "security/ir.model.access.csv",
        "views/oms_channel_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/delivery_carrier_views.xml",
        "views/product_template_views.xml",
        "views/sale_report_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/res_currency_demo.xml",
        "demo/stock_warehouse_demo.xml",
        "demo/product_demo.xml",
        "demo/stock_quant_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/stock_package_type_demo.xml",
        "demo/delivery_carrier_demo.xml",
        "demo/oms_channel_demo.xml",
    ],
}
