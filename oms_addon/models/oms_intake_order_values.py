# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""From a canonical order to the values of its quotation: what the intake resolves
(products, currency, pricelist, carrier, customer) before an order is created. It
never reads or writes an order; ``oms.intake._process`` creates them in batches."""

from odoo import Command, api, models
from odoo.tools import float_is_zero

from ..lib.canonical import Quarantined
from .res_partner import ADDRESS_FIELDS


class OmsIntake(models.Model):
    # One file per capability of the model (STYLE.md), not one class for all.
    _inherit = "oms.intake"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Order values from canonical orders
    # ------------------------------------------------------------------
    @api.model
    def _prepare_batch_cache(self, channel, orders):
        """Everything the given canonical orders refer to, read in a few queries:
        products by SKU and barcode, currencies, countries, states, carriers."""
        skus = {line["sku"] for order in orders for line in order["lines"] if line["sku"]}
        barcodes = {
            line["barcode"] for order in orders for line in order["lines"] if line["barcode"]
        }
        product_domain = [
            ("sale_ok", "=", True),
            ("company_id", "in", [False, channel.company_id.id]),
        ]
        products = self.env["product.product"].search_fetch(
            product_domain
            + ["|", ("default_code", "in", list(skus)), ("barcode", "in", list(barcodes))],
            # weight: the shipping weight of each order is computed when it is created.
            ["default_code", "barcode", "uom_id", "display_name", "taxes_id", "weight"],
        )
        by_sku, by_barcode = {}, {}
        for product in products:
            by_sku.setdefault(product.default_code, product)
            by_barcode.setdefault(product.barcode, product)
        codes = {order["currency"] for order in orders}
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search_fetch([("name", "in", list(codes))], ["name", "active", "rounding"])
        )
        country_codes = {
            address.get("country_code")
            for order in orders
            for address in (order["shipping_address"], order["billing_address"])
            if address
        }
        countries = self.env["res.country"].search_fetch(
            [("code", "in", [c for c in country_codes if c])], ["code"]
        )
        states = self.env["res.country.state"].search_fetch(
            [("country_id", "in", countries.ids)], ["code", "country_id"]
        )
        carriers = self.env["delivery.carrier"].search_fetch(
            [("company_id", "in", [False, channel.company_id.id])],
            ["name", "product_id", "oms_method_codes"],
        )
        carriers_by_method = {}
        for carrier in carriers:
            for key in carrier._oms_method_keys():
                carriers_by_method.setdefault(key, carrier)
        partners = self.env["res.partner"]._oms_prefetch_customers(orders, channel)
        self._prefetch_addresses(partners.values())
        return {
            "channel": channel,
            "by_sku": by_sku,
            "by_barcode": by_barcode,
            "currencies": {c.name: c for c in currencies},
            "countries": {c.code: c for c in countries},
            "states": {(s.country_id.code, s.code): s for s in states},
            "carriers": carriers_by_method,
            "pricelists": {},
            "partners": partners,
            "no_analytic_model": not self._has_analytic_models(channel.company_id),
        }

    @api.model
    def _has_analytic_models(self, company):
        """Whether an analytic distribution model may apply to the company's lines:
        when none can, the lines need not look for one each (one query per line)."""
        return bool(
            self.env["account.analytic.distribution.model"].search_count(
                [("company_id", "in", [False, company.id])], limit=1
            )
        )

    @api.model
    def _prefetch_addresses(self, customers):
        """Read the addresses of the known customers and of their contacts at once,
        rather than one customer at a time when each order's address is matched."""
        customers = self.env["res.partner"].union(*customers)
        (customers | customers.child_ids).fetch(
            [*ADDRESS_FIELDS, "country_id", "state_id", "type", "child_ids"]
        )

    @api.model
    def _check_order(self, order, channel, cache):
        """Resolve what a normalized canonical ``order`` refers to, creating nothing.

        Returns {"currency", "lines", "shipping_line", "billing", "shipping"} (the
        last two as res.partner values). Raises ``Quarantined`` for what a person must
        fix first: unknown SKU, currency, country, state or shipping method,
        fractional quantity of a unit product.
        """
        partner_model = self.env["res.partner"]
        shipping = partner_model._oms_prepare_address_vals(
            order["shipping_address"], "shipping_address", cache
        )
        billing = (
            partner_model._oms_prepare_address_vals(
                order["billing_address"], "billing_address", cache
            )
            if order["billing_address"]
            else shipping
        )
        return {
            "currency": self._resolve_currency(order, cache),
            "lines": [
                self._prepare_line_vals(line, index, channel, cache)
                for index, line in enumerate(order["lines"])
            ],
            "shipping_line": self._prepare_shipping_line_vals(order, channel, cache),
            "billing": billing,
            "shipping": shipping,
        }

    @api.model
    def _prepare_order_vals(self, order, channel, cache, checked, intake=None, create=True):
        """Values of the quotation for a checked canonical ``order`` (see
        ``_check_order``); finds or creates its customer and addresses. With
        ``create=False``, None when a customer or an address would have to be
        created."""
        partners = self.env["res.partner"]._oms_resolve_customer(
            order, channel, cache, checked["billing"], checked["shipping"], create=create
        )
        if not partners:
            return None
        customer, invoice_address, shipping_address = partners
        pricelist = self._resolve_pricelist(channel, checked["currency"], cache)
        lines = [Command.create(line_vals) for line_vals in checked["lines"]]
        vals = {
            "partner_id": customer.id,
            "partner_invoice_id": invoice_address.id,
            "partner_shipping_id": shipping_address.id,
            "company_id": channel.company_id.id,
            "pricelist_id": pricelist.id,
            "oms_channel_id": channel.id,
            "oms_channel_ref": order["reference"],
            "oms_intake_id": intake.id if intake else False,
            "client_order_ref": order["reference"],
            "origin": "%s: %s" % (channel.code, order["reference"]),
            "oms_payment_status": order["payment"]["status"],
            "oms_payment_method": order["payment"].get("method"),
            "oms_payment_amount": order["payment"].get("amount") or 0.0,
            "oms_payment_ref": order["payment"].get("transaction_ref"),
            "oms_gift_message": order.get("gift_message"),
            "oms_is_vip": order["flags"]["vip"],
            "oms_is_gift": order["flags"]["gift"],
            "oms_is_priority": order["flags"]["priority"],
            "note": order.get("note") or False,
            "order_line": lines,
        }
        if intake and intake.version_id:
            vals.update(
                oms_intake_version_id=intake.version_id.id,
                oms_corrected_by_id=intake.version_id.author_id.id,
                oms_payment_from_correction=intake._payment_changed_by_correction(order),
            )
        if order.get("date_order"):
            vals["date_order"] = order["date_order"]
        if channel.team_id:
            vals["team_id"] = channel.team_id.id
        if channel.user_id:
            vals["user_id"] = channel.user_id.id
        if channel.warehouse_id:
            vals["warehouse_id"] = channel.warehouse_id.id
        if checked["shipping_line"]:
            shipping_line = dict(checked["shipping_line"])
            vals["carrier_id"] = shipping_line.pop("carrier_id")
            lines.append(Command.create(shipping_line))
        return vals

    @api.model
    def _resolve_currency(self, order, cache):
        currency = cache["currencies"].get(order["currency"])
        if not currency or not currency.active:
            raise Quarantined(
                "unknown_currency",
                "Currency %s is not active in Odoo. Activate it (Accounting settings, "
                "Currencies) and retry." % order["currency"],
                "currency",
            )
        return currency

    @api.model
    def _resolve_pricelist(self, channel, currency, cache):
        """The channel's pricelist when it is in the order's currency, else a
        pricelist in that currency (created once). Prices stay as the channel sold
        them: the pricelist only carries the currency."""
        if channel.pricelist_id.currency_id == currency:
            return channel.pricelist_id
        if currency not in cache["pricelists"]:
            pricelist_model = self.env["product.pricelist"]
            domain = [
                ("currency_id", "=", currency.id),
                ("company_id", "in", [False, channel.company_id.id]),
            ]
            pricelist = pricelist_model.search(domain, limit=1)
            if not pricelist:
                pricelist = pricelist_model.sudo().create(
                    {
                        "name": "%s (OMS)" % currency.name,
                        "currency_id": currency.id,
                        "company_id": channel.company_id.id,
                    }
                )
            cache["pricelists"][currency] = pricelist
        return cache["pricelists"][currency]

    @api.model
    def _resolve_product(self, line, index, cache):
        product = (line["sku"] and cache["by_sku"].get(line["sku"])) or (
            line["barcode"] and cache["by_barcode"].get(line["barcode"])
        )
        if not product:
            what = " / ".join(
                filter(
                    None,
                    [
                        line["sku"] and "SKU %s" % line["sku"],
                        line["barcode"] and "barcode %s" % line["barcode"],
                    ],
                )
            )
            raise Quarantined(
                "unknown_sku",
                "Line %d: no product with %s. Create the product (or set its internal "
                "reference / barcode) and retry." % (index + 1, what),
                "lines[%d].sku" % index,
            )
        return product

    @api.model
    def _prepare_line_vals(self, line, index, channel, cache):
        product = self._resolve_product(line, index, cache)
        uom = product.uom_id
        quantity = line["quantity"]
        if self._is_fractional(uom, quantity):
            raise Quarantined(
                "fractional_quantity",
                "Line %d: %s is sold in %s, it cannot be ordered %g times."
                % (index + 1, product.display_name, uom.name, quantity),
                "lines[%d].quantity" % index,
            )
        vals = {
            "product_id": product.id,
            "product_uom_qty": quantity,
            "product_uom": uom.id,
            "price_unit": self._price_unit(product, line, channel),
            "discount": line.get("discount") or 0.0,
        }
        if cache.get("no_analytic_model"):
            # What the line's compute would find: no distribution model applies.
            vals["analytic_distribution"] = False
        if line.get("name"):
            vals["name"] = line["name"]
        return vals

    @api.model
    def _is_fractional(self, uom, quantity):
        """Whether ``quantity`` of ``uom`` means a fraction of a unit (half a shirt);
        a fraction of a kilogram or of a dozen of units is fine."""
        if uom.category_id.id != self.env["ir.model.data"]._xmlid_to_res_id(
            "uom.product_uom_categ_unit"
        ):
            return False
        in_units = quantity / uom.factor
        return not float_is_zero(in_units - round(in_units), precision_digits=6)

    @api.model
    def _price_unit(self, product, line, channel):
        """The unit price in the way Odoo reads it for the product's taxes: a price
        sent with taxes included becomes net for price-excluded taxes, and the other
        way round."""
        price = line["unit_price"]
        taxes = product.taxes_id._filter_taxes_by_company(channel.company_id)
        if not taxes:
            return price
        taxes_are_included = all(tax.price_include for tax in taxes)
        if line["taxes_included"] == taxes_are_included:
            return price
        key = "total_excluded" if line["taxes_included"] else "total_included"
        result = taxes.with_context(force_price_include=line["taxes_included"]).compute_all(
            price, product=product
        )
        return result[key]

    @api.model
    def _prepare_shipping_line_vals(self, order, channel, cache):
        shipping = order["shipping"]
        method = (shipping.get("method") or "").strip()
        amount = shipping.get("amount") or 0.0
        if not method and not amount:
            return None
        carrier = cache["carriers"].get(method.lower()) or channel.default_carrier_id
        if not carrier:
            raise Quarantined(
                "unknown_shipping_method",
                "Shipping method %r matches no carrier and the channel has no default "
                "carrier. Create the carrier or set the channel's default carrier, then "
                "retry." % method,
                "shipping.method",
            )
        return {
            "carrier_id": carrier.id,
            "product_id": carrier.product_id.id,
            "name": method or carrier.name,
            "product_uom_qty": 1,
            "price_unit": amount,
            "is_delivery": True,
        }
