# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..lib import tabular_formats as formats


class OmsChannel(models.Model):
    """How the order files of a channel are written: the options the Import Orders
    wizard starts from, saved by each import that could read its file."""

    # One file per capability of the model (STYLE.md), not one class for all.
    _inherit = "oms.channel"  # pylint: disable=consider-merging-classes-inherited

    import_encoding = fields.Selection(
        formats.selection(formats.ENCODINGS),
        string="File Encoding",
        default=formats.AUTO,
        required=True,
        help="Encoding of the channel's CSV files. Detect: a byte order mark, else UTF-8, "
        "else the Windows code page the text looks like.",
    )
    import_separator = fields.Selection(
        formats.selection(formats.SEPARATORS),
        string="Column Separator",
        default=formats.AUTO,
        required=True,
    )
    import_decimal_separator = fields.Selection(
        formats.selection(formats.DECIMAL_SEPARATORS), default=formats.AUTO, required=True
    )
    import_thousands_separator = fields.Selection(
        formats.selection(formats.THOUSANDS_SEPARATORS), default=formats.AUTO, required=True
    )
    import_date_format = fields.Selection(
        formats.selection(formats.DATE_FORMATS), default=formats.AUTO, required=True
    )
