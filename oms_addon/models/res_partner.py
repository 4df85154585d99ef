# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models
from odoo.tools import email_normalize

from ..lib.canonical import Quarantined

# Canonical address keys -> res.partner fields compared to reuse an address.
ADDRESS_FIELDS = ("name", "street", "street2", "city", "zip")


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _oms_prefetch_customers(self, orders, channel):
        """Existing customers of the orders, by normalized email, in one query."""
        emails = {email_normalize(order["customer"].get("email") or "") for order in orders} - {
            False,
            None,
            "",
        }
        if not emails:
            return {}
        partners = self.search_fetch(
            self._oms_customer_domain(channel) + [("email_normalized", "in", list(emails))],
            ["email_normalized", "child_ids", "commercial_partner_id"],
            order="id",
        )
        found = {}
        for partner in partners:
            found.setdefault(partner.email_normalized, partner)
        return found

    @api.model
    def _oms_customer_domain(self, channel):
        return [
            ("company_id", "in", [False, channel.company_id.id]),
            ("parent_id", "=", False),
        ]

    @api.model
    def _oms_resolve_customer(self, order, channel, cache, billing, shipping, create=True):
        """(customer, invoice address, delivery address) of a canonical order, given
        the res.partner values of its ``billing`` and ``shipping`` addresses.

        The customer is matched by email, then phone, else created with the billing
        address; the invoice and delivery addresses are the customer itself or child
        contacts, reused when identical. With ``create=False`` nothing is created and
        None is returned when something would have to be.
        """
        customer_data = order["customer"]
        customer = self._oms_match_customer(customer_data, channel, cache)
        if not customer:
            if not create:
                return None
            customer = self.create(self._oms_prepare_customer_vals(customer_data, billing))
            if customer.email_normalized:
                cache["partners"][customer.email_normalized] = customer
        invoice = customer._oms_find_or_create_address("invoice", billing, create)
        delivery = customer._oms_find_or_create_address("delivery", shipping, create)
        if not (invoice and delivery):
            return None
        return customer, invoice, delivery

    @api.model
    def _oms_match_customer(self, customer_data, channel, cache):
        email = email_normalize(customer_data.get("email") or "")
        if email:
            if email in cache["partners"]:
                return cache["partners"][email]
            return self.browse()
        phone = customer_data.get("phone")
        if phone:
            return self.search(
                self._oms_customer_domain(channel)
                + ["|", ("phone", "=", phone), ("mobile", "=", phone)],
                limit=1,
            )
        return self.browse()

    @api.model
    def _oms_prepare_customer_vals(self, customer_data, billing):
        vals = dict(billing)
        vals.update(
            {
                "name": customer_data["name"],
                "email": customer_data.get("email") or billing.get("email") or False,
                "phone": customer_data.get("phone") or billing.get("phone") or False,
                "vat": customer_data.get("vat") or False,
                "company_id": False,
                "customer_rank": 1,
            }
        )
        lang = customer_data.get("lang")
        if lang and self.env["res.lang"]._get_code(lang):
            vals["lang"] = lang
        if customer_data.get("company_name"):
            vals["company_name"] = customer_data["company_name"]
        return vals

    @api.model
    def _oms_prepare_address_vals(self, address, path, cache):
        country = cache["countries"].get(address.get("country_code"))
        if not country:
            raise Quarantined(
                "unknown_country",
                "%s: country code %r is not a known country."
                % (path.replace("_", " ").capitalize(), address.get("country_code")),
                "%s.country_code" % path,
            )
        vals = {key: address.get(key) or False for key in ADDRESS_FIELDS}
        vals["country_id"] = country.id
        state_code = address.get("state_code")
        if state_code:
            state = cache["states"].get((country.code, state_code))
            if not state:
                raise Quarantined(
                    "unknown_state",
                    "%s: %r is not a state of %s."
                    % (path.replace("_", " ").capitalize(), state_code, country.name),
                    "%s.state_code" % path,
                )
            vals["state_id"] = state.id
        for key in ("phone", "email"):
            if address.get(key):
                vals[key] = address[key]
        return vals

    def _oms_find_or_create_address(self, address_type, vals, create=True):
        """This customer, or its child contact of ``address_type``, whose address is
        ``vals``; created when none is identical (and ``create``)."""
        self.ensure_one()
        for candidate in self | self.child_ids:
            if candidate != self and candidate.type != address_type:
                continue
            if candidate._oms_same_address(vals):
                return candidate
        if not create:
            return self.browse()
        return self.create(dict(vals, parent_id=self.id, type=address_type))

    def _oms_same_address(self, vals):
        self.ensure_one()
        for key in ADDRESS_FIELDS:
            if (self[key] or False) != (vals.get(key) or False):
                return False
        return self.country_id.id == vals.get("country_id") and self.state_id.id == (
            vals.get("state_id") or False
        )
