# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import json
import logging
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import canonical
from .batch_commit import committed_batches

_logger = logging.getLogger(__name__)

STATES = [
    ("received", "Received"),
    ("done", "Done"),
    ("duplicate", "Duplicate"),
    ("quarantined", "Quarantined"),
    ("rejected", "Rejected"),
    ("failed", "Failed"),
]
SOURCES = [
    ("api", "API"),
    ("file", "File Import"),
    ("manual", "Manual"),
]
# Processing retries failed messages after 1, 2, 4, 8 and 16 minutes, then stops.
MAX_ATTEMPTS = 5


def readable_text(raw):
    """Bytes as text for people: what is not UTF-8 shown as \\xNN, NUL as \\x00
    (PostgreSQL text cannot hold it)."""
    return raw.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")


class OmsIntake(models.Model):
    """One message a channel sent: stored first, raw, then processed into an order."""

    _name = "oms.intake"
    _description = "Order Intake"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "display_name"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    channel_id = fields.Many2one(
        "oms.channel", required=True, index=True, ondelete="restrict", readonly=True
    )
    company_id = fields.Many2one(
        related="channel_id.company_id", store=True, index=True, precompute=True
    )
    source = fields.Selection(SOURCES, required=True, default="api", readonly=True)
    source_detail = fields.Char(
        readonly=True, help="Where the message came from: file name and rows, address."
    )
    state = fields.Selection(
        STATES, required=True, default="received", index=True, readonly=True, tracking=True
    )
    reason_code = fields.Char(readonly=True, index=True)
    reason = fields.Text(readonly=True, help="Why the message is not an order yet.")
    raw_body = fields.Binary(
        string="Received Bytes",
        attachment=False,
        readonly=True,
        help="The bytes the channel sent, exactly as received, whatever they hold "
        "(base64, as every Odoo binary field: downloadable, readable over RPC; "
        "``_received_bytes()`` gives them back).",
    )
    raw_size = fields.Integer(string="Size (bytes)", readonly=True)
    raw_filename = fields.Char(compute="_compute_raw_filename")
    body = fields.Text(
        string="Received Message",
        compute="_compute_body",
        help="The received bytes as text: bytes that are not UTF-8 are shown as \\xNN, "
        "a NUL as \\x00. The bytes themselves are kept as received.",
    )
    version_ids = fields.One2many(
        "oms.intake.version", "intake_id", string="Corrections", readonly=True
    )
    version_id = fields.Many2one(
        "oms.intake.version",
        string="Current Correction",
        readonly=True,
        help="The latest correction: processing reads it instead of the received message.",
    )
    current_body = fields.Text(
        string="Message Processed",
        compute="_compute_current_body",
        help="What processing reads: the latest correction, or the received message.",
    )
    retried_by_id = fields.Many2one("res.users", string="Last Retried By", readonly=True)
    retried_at = fields.Datetime(string="Last Retried On", readonly=True)
    headers = fields.Text(readonly=True, help="The request headers that matter, as JSON.")
    received_at = fields.Datetime(
        required=True, default=fields.Datetime.now, readonly=True, index=True
    )
    processed_at = fields.Datetime(readonly=True)
    idempotency_key = fields.Char(readonly=True, index=True)
    body_digest = fields.Char(readonly=True, help="SHA-256 of the request body.")
    external_ref = fields.Char(
        string="Channel Reference", readonly=True, index=True, help="The order's reference."
    )
    order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null")
    attachment_id = fields.Many2one(
        "ir.attachment", string="Original File", readonly=True, help="The imported file."
    )
    api_response = fields.Text(
        string="API Answer",
        readonly=True,
        help="What the API answered, replayed for the same Idempotency-Key.",
    )
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    can_retry = fields.Boolean(compute="_compute_can_retry")
    can_correct = fields.Boolean(compute="_compute_can_retry")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("channel_id.code", "external_ref")
    def _compute_display_name(self):
        for intake in self:
            intake.display_name = "%s/%s" % (
                intake.channel_id.code or "?",
                intake.external_ref or intake.id or _("new"),
            )

    @api.depends("channel_id.code")
    def _compute_raw_filename(self):
        for intake in self:
            intake.raw_filename = "%s-intake-%s.bin" % (intake.channel_id.code or "oms", intake.id)

    @api.depends("raw_body")
    def _compute_body(self):
        for intake in self:
            intake.body = readable_text(intake._received_bytes())

    @api.depends("raw_body", "version_id.body")
    def _compute_current_body(self):
        for intake in self:
            intake.current_body = intake.version_id.body or intake.body

    @api.depends("state", "source")
    @api.depends_context("uid")
    def _compute_can_retry(self):
        may = self.env.su or self.env.user.has_group("oms_addon.group_oms_user")
        for intake in self:
            # A file's rejected rows are not an order: fix the file and import it again.
            intake.can_retry = may and (
                intake.state in ("quarantined", "failed")
                or (intake.state == "rejected" and intake.source != "file")
            )
            intake.can_correct = intake.can_retry

    def init(self):
        # Databases from before the received bytes were kept: the old text column
        # "body" becomes the bytes (it held the message as text), once.
        self.env.cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'oms_intake' AND column_name = 'body'"
        )
        if self.env.cr.rowcount:
            self.env.cr.execute(
                """
                UPDATE oms_intake
                   SET raw_body = convert_to(encode(convert_to(body, 'UTF8'), 'base64'), 'UTF8'),
                       raw_size = octet_length(convert_to(body, 'UTF8'))
                 WHERE raw_body IS NULL AND body IS NOT NULL
                """
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                _("Intake records are made by the channels and the import only, as received.")
            )
        return super().create(vals_list)

    def write(self, vals):
        # The log of what was received: its state and message change only through
        # the methods below (receiving, processing, action_retry, action_correct),
        # which check who may and record who did; a manager is no exception.
        if not self.env.su:
            raise AccessError(
                _(
                    "An intake record changes only through its buttons: Correct records a "
                    "new version of the message, Retry processes it again."
                )
            )
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("An intake record is the log of what was received: it stays."))
        return super().unlink()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_retry(self):
        """Process again after the cause was fixed (product created, message
        corrected); an OMS user's action, recorded with who and when."""
        self._check_may_change(_("retry"))
        self.message_post(body=_("Retried by %s.", self.env.user.name))
        # sudo: the caller's right was checked just above; the state change and
        # creating the customer and the order are the job's work.
        self.sudo().write(
            {
                "state": "received",
                "attempts": 0,
                "next_attempt_at": False,
                "retried_by_id": self.env.user.id,
                "retried_at": fields.Datetime.now(),
            }
        )
        self.sudo()._process()
        return True

    def action_correct(self):
        """Open the correction form: the corrected text becomes a new version of the
        message; the received bytes stay as they are."""
        self.ensure_one()
        self._check_may_change(_("correct"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Correct the Message"),
            "res_model": "oms.intake.correct",
            "view_mode": "form",
            "target": "new",
            "context": {"default_intake_id": self.id, "default_body": self.current_body},
        }

    def _check_may_change(self, what):
        """Raise unless the user may retry or correct these messages."""
        self.check_access("write")
        if not all(self.mapped("can_retry")):
            if not (self.env.su or self.env.user.has_group("oms_addon.group_oms_user")):
                raise AccessError(_("Only OMS users may %s intake messages.", what))
            raise UserError(
                _(
                    "Only quarantined, failed or rejected API messages can be corrected or "
                    "retried; for rows of a file, correct the file and import it again."
                )
            )

    def _add_version(self, body, note=False):
        """Record ``body`` as the new version of this message, by the current user,
        and make processing read it. Called by the correction form."""
        self.ensure_one()
        self._check_may_change(_("correct"))
        if "\x00" in body:
            raise UserError(_("A corrected message cannot hold a NUL character."))
        # sudo: versions are history, written only here, after the check above.
        version = (
            self.env["oms.intake.version"]
            .sudo()
            .create(
                {
                    "intake_id": self.id,
                    "body": body,
                    "note": note,
                    "author_id": self.env.user.id,
                    "sequence": len(self.version_ids) + 1,
                }
            )
        )
        self.sudo().version_id = version
        self.message_post(
            body=_(
                "Message corrected by %(who)s (version %(number)s)%(note)s. The received "
                "message is kept as it was.",
                who=self.env.user.name,
                number=version.sequence,
                note=": %s" % note if note else "",
            )
        )
        return version

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Receiving
    # ------------------------------------------------------------------
    @api.model
    def _receive(self, channel, raw, **common):
        """Store what ``channel`` sent, before anything else, and return the intake
        records: one per order the message holds, or one rejected record when it
        cannot be read. Processing happens later (``_trigger_processing``).

        ``common``: source, source_detail, headers (dict), idempotency_key,
        body_digest, attachment_id.
        """
        return self._receive_many(channel, [raw], **common)

    @api.model
    def _receive_many(self, channel, raws, **common):
        """``_receive`` for several messages at once (``raws``: bytes each), stored
        with one INSERT: every message is kept byte for byte, each order of a list
        with its own bytes as they appear in it. The ``common`` values apply to all."""
        adapter = channel._get_adapter()
        base = self._prepare_intake_vals(channel, **common)
        now = fields.Datetime.now()
        vals_list = []
        for raw in raws:
            try:
                parts = adapter.split_parts(raw)
            except canonical.IntakeProblem as problem:
                vals_list.append(self._prepare_rejected_vals(base, raw, problem, now))
                continue
            for payload, part in parts:
                vals_list.append(
                    self._prepare_received_vals(base, part, adapter.order_reference(payload))
                )
        return self._store(vals_list)

    @api.model
    def _receive_payloads(self, channel, payloads, bodies=None, **common):
        """Store one intake per order ``payloads`` (dicts in the channel's format,
        built from a file's rows); their bytes are the payloads dumped as JSON, or
        ``bodies``. The file itself is the attachment."""
        adapter = channel._get_adapter()
        if bodies is None:
            bodies = [json.dumps(payload, ensure_ascii=False, indent=1) for payload in payloads]
        base = self._prepare_intake_vals(channel, **common)
        vals_list = []
        for body, payload in zip(bodies, payloads, strict=True):
            vals_list.append(
                self._prepare_received_vals(base, _as_bytes(body), adapter.order_reference(payload))
            )
        return self._store(vals_list)

    @api.model
    def _receive_rejected(self, channel, body, problem, external_ref=None, **common):
        """Store a message that cannot be read (bytes, or text made from a file's
        rows), with why, so that nothing is lost."""
        base = self._prepare_intake_vals(channel, **common)
        vals = self._prepare_rejected_vals(base, _as_bytes(body), problem)
        vals["external_ref"] = external_ref
        return self._store([vals])

    @api.model
    def _prepare_received_vals(self, base, raw, external_ref=None):
        """``base`` (see ``_prepare_intake_vals``) with ``raw``, the bytes as received."""
        return dict(
            base, raw_body=base64.b64encode(raw), raw_size=len(raw), external_ref=external_ref
        )

    def _prepare_rejected_vals(self, base, raw, problem, now=None):
        return dict(
            self._prepare_received_vals(base, raw),
            state="rejected",
            reason_code=problem.code,
            reason=problem.message,
            processed_at=now or fields.Datetime.now(),
        )

    @api.model
    def _store(self, vals_list):
        # sudo: the callers (the API after authentication, the import wizard) store
        # what they received; nobody writes intake records by hand.
        return self.sudo().with_context(tracking_disable=True).create(vals_list).sudo(self.env.su)

    @api.model
    def _prepare_intake_vals(
        self,
        channel,
        source="api",
        source_detail=None,
        headers=None,
        idempotency_key=None,
        body_digest=None,
        attachment_id=None,
    ):
        return {
            "channel_id": channel.id,
            "source": source,
            "source_detail": source_detail,
            "headers": json.dumps(headers, sort_keys=True) if headers else False,
            "idempotency_key": idempotency_key,
            "body_digest": body_digest,
            "attachment_id": attachment_id,
        }

    @api.model
    def _trigger_processing(self):
        """Wake the processing job up now (it runs in another transaction once this
        one is committed). Under load a wake-up is usually pending already: then
        this costs one cheap query instead of a trigger record and a NOTIFY."""
        cron = self.env.ref("oms_addon.ir_cron_oms_intake_process")
        self.env.cr.execute(
            "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= %s LIMIT 1",
            [cron.id, fields.Datetime.now()],
        )
        if not self.env.cr.rowcount:
            cron._trigger()

    # ------------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------------
    @api.model
    def _cron_process(self, batch_size=200):
        """Process every waiting message, batch after batch, committing each batch.

        Rows are claimed with FOR UPDATE SKIP LOCKED: several workers running this at
        once never take the same message, and the unique (channel, reference) of
        sale.order makes sure no order is ever created twice.
        """
        batches = iter(lambda: self._claim_batch(batch_size), self.browse())
        for intakes in committed_batches(self.env, batches):
            intakes.with_context(tracking_disable=True)._process()
            if any(intake.state == "done" for intake in intakes):
                # New quotations: wake pre-processing (checks, holds, confirmation).
                self.env.ref("oms_addon.ir_cron_oms_preprocess")._trigger()

    @api.model
    def _claim_batch(self, limit):
        """Lock up to ``limit`` waiting messages for this transaction.

        Besides the row locks, an advisory lock per (channel, reference) keeps two
        workers from processing messages of the same order at once: the second one
        takes them in a later batch, whose snapshot sees the order the first one
        made, and logs them as duplicates.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT id FROM oms_intake
             WHERE (state = 'received'
                    OR (state = 'failed' AND attempts < %s
                        AND next_attempt_at <= now() at time zone 'UTC'))
               AND pg_try_advisory_xact_lock(hashtextextended(
                       'oms-order:' || channel_id || ':' || coalesce(external_ref, id::text), 0))
             ORDER BY id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            [MAX_ATTEMPTS, limit],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _process(self):
        """Turn each message into a quotation and write its outcome on it.

        The orders of a batch are created with one ``sale.order.create`` (as fast as
        plain Odoo); when that fails they are created one by one, each under its
        own savepoint, so that a bad message never blocks the others.
        """
        for channel, intakes in self.grouped("channel_id").items():
            channel = channel.with_company(channel.company_id)
            parsed = intakes._parse_all(channel)
            fresh, repeats = intakes._split_duplicates(channel, parsed)
            cache = self._prepare_batch_cache(channel, list(fresh.values()))
            prepared = {}
            for intake, order in fresh.items():
                vals = intake._prepare_order(channel, order, cache)
                if vals:
                    prepared[intake] = vals
            self._create_orders(prepared, cache)
            for intake, first in repeats:
                if first.order_id:
                    intake._mark_duplicate(first.order_id)
                else:
                    # The first message of this order did not make it: this one
                    # gets its own chance in the next batch.
                    intake._set_outcome("received")

    def _parse_all(self, channel):
        """{intake: normalized canonical order} for the intakes whose body reads; the
        others are marked rejected or quarantined on the spot."""
        adapter = channel._get_adapter()
        parsed = {}
        for intake in self:
            try:
                payloads = adapter.split(intake._current_bytes())
                if len(payloads) != 1:
                    raise canonical.Rejected(
                        "invalid_shape", "An intake message must hold exactly one order."
                    )
                parsed[intake] = canonical.normalize(adapter.to_canonical(payloads[0]))
            except canonical.IntakeProblem as problem:
                intake._set_outcome(problem.kind, problem.code, problem.message)
        return parsed

    def _received_bytes(self):
        """The bytes the channel sent, exactly as received."""
        self.ensure_one()
        # The web client reads with bin_size, which gives binary fields as sizes.
        raw = self.with_context(bin_size=False, bin_size_raw_body=False).raw_body
        return base64.b64decode(raw or b"")

    def _current_bytes(self):
        """What processing reads: the latest correction, or the bytes received."""
        if self.version_id:
            return self.version_id.body.encode()
        return self._received_bytes()

    def _payment_changed_by_correction(self, order):
        """Whether the payment of the normalized ``order`` (read from the latest
        correction) differs from what the channel sent, or the channel's message
        cannot tell."""
        self.ensure_one()
        if not self.version_id:
            return False
        adapter = self.channel_id._get_adapter()
        try:
            (payload,) = adapter.split(self._received_bytes())
            sent = canonical.payment_of(adapter.to_canonical(payload))
        except (canonical.IntakeProblem, ValueError):
            return True
        corrected = order["payment"]
        return sent["status"] != corrected["status"] or sent["amount"] != corrected["amount"]

    def _split_duplicates(self, channel, parsed):
        """({intake: order} to create, [(intake, first intake of the same order)]).

        Messages of orders that already exist are marked duplicate here, in one
        query; of several messages of one new order, the first one is created.
        """
        references = [order["reference"] for order in parsed.values()]
        existing = {
            order.oms_channel_ref: order
            for order in self.env["sale.order"].search_fetch(
                [("oms_channel_id", "=", channel.id), ("oms_channel_ref", "in", references)],
                ["name", "oms_channel_ref"],
            )
        }
        fresh, first_by_reference, repeats = {}, {}, []
        for intake, order in parsed.items():
            reference = order["reference"]
            if intake.external_ref != reference:
                intake.external_ref = reference
            if reference in existing:
                intake._mark_duplicate(existing[reference])
            elif reference in first_by_reference:
                repeats.append((intake, first_by_reference[reference]))
            else:
                first_by_reference[reference] = intake
                fresh[intake] = order
        return fresh, repeats

    def _prepare_order(self, channel, order, cache):
        """The quotation's values, or None with the outcome written on the intake.

        Customers and addresses the order needs are created here, under a savepoint
        so that nothing half-made stays behind a problem.
        """
        self.ensure_one()
        try:
            checked = self._check_order(order, channel, cache)
            # Known customers with known addresses need nothing created, hence no
            # savepoint; the others get one.
            vals = self._prepare_order_vals(
                order, channel, cache, checked, intake=self, create=False
            )
            if vals:
                return vals
            with self.env.cr.savepoint():
                return self._prepare_order_vals(order, channel, cache, checked, intake=self)
        except canonical.IntakeProblem as problem:
            self._forget_cache_entries(cache)
            self._set_outcome(problem.kind, problem.code, problem.message)
        except Exception as error:  # recorded on the intake and retried
            self._forget_cache_entries(cache)
            _logger.exception("Intake %s failed", self.id)
            self._set_failed(error)
        return None

    @api.model
    def _create_orders(self, prepared, cache):
        """Create the quotations of {intake: values}: all at once, or one by one when
        the batch fails, so that only the culprit fails."""
        if not prepared:
            return
        try:
            with self.env.cr.savepoint():
                orders = self.env["sale.order"].create(list(prepared.values()))
        except Exception:  # noqa: BLE001 - isolated below, one order at a time
            self._forget_cache_entries(cache)
            for intake, vals in prepared.items():
                intake._create_order(vals, cache)
            return
        for intake, sale_order in zip(prepared, orders, strict=True):
            intake._set_outcome("done", order=sale_order)

    def _create_order(self, vals, cache):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                sale_order = self.env["sale.order"].create(vals)
            self._set_outcome("done", order=sale_order)
        except psycopg2.errors.UniqueViolation as error:
            # Another transaction created the same order meanwhile (a direct retry
            # racing the job): the unique (channel, reference) refused this one. Its
            # snapshot cannot see that order yet, so it is named by reference only.
            if error.diag.constraint_name != "sale_order_oms_channel_ref_uniq":
                self._set_failed(error)
                return
            self._set_outcome(
                "duplicate",
                "duplicate_order",
                _(
                    "An order with reference %s was created for this channel at the same "
                    "time by another worker.",
                    vals["oms_channel_ref"],
                ),
            )
        except Exception as error:  # recorded on the intake and retried
            self._forget_cache_entries(cache)
            _logger.exception("Intake %s failed", self.id)
            self._set_failed(error)

    def _mark_duplicate(self, existing):
        self._set_outcome(
            "duplicate",
            "duplicate_order",
            _("Order %(order)s already exists for reference %(ref)s of this channel.")
            % {"order": existing.name, "ref": existing.oms_channel_ref},
            order=existing,
        )

    @staticmethod
    def _forget_cache_entries(cache):
        # Partners or pricelists created inside a rolled-back savepoint are gone.
        for key in ("partners", "pricelists"):
            records = list(cache[key].values())
            if records:
                alive = set(records[0].browse([r.id for r in records]).exists().ids)
                cache[key] = {k: r for k, r in cache[key].items() if r.id in alive}

    def _set_outcome(self, state, reason_code=False, reason=False, order=None):
        vals = {
            "state": state,
            "reason_code": reason_code,
            "reason": reason,
            "processed_at": fields.Datetime.now() if state != "received" else False,
        }
        if order:
            vals["order_id"] = order.id
        self.write(vals)
        if state == "done" and order and self.version_id:
            self._note_correction_on(order)

    def _note_correction_on(self, order):
        """Say on the order that it was made from a corrected message, by whom."""
        version = self.version_id
        body = _(
            "Created from a correction of the channel's message by %(who)s on %(when)s "
            "(version %(number)s of intake %(intake)s); the message as received is kept "
            "on the intake.",
            who=version.author_id.name,
            when=fields.Datetime.to_string(version.create_date),
            number=version.sequence,
            intake=self.display_name,
        )
        if order.oms_payment_from_correction:
            body += " " + _(
                "The correction changed the payment: it is held until an OMS manager releases it."
            )
        order.message_post(body=body)

    def _set_failed(self, error):
        attempts = self.attempts + 1
        retry = attempts < MAX_ATTEMPTS
        message = _("Unexpected error (attempt %(n)d): %(error)s.") % {
            "n": attempts,
            "error": error,
        }
        message += (
            _(" Retried automatically.")
            if retry
            else _(" No more automatic retries: fix the cause and press Retry.")
        )
        self.write(
            {
                "state": "failed",
                "reason_code": "unexpected_error",
                "reason": message,
                "attempts": attempts,
                "processed_at": fields.Datetime.now(),
                "next_attempt_at": fields.Datetime.now() + timedelta(minutes=2 ** (attempts - 1))
                if retry
                else False,
            }
        )

    # ------------------------------------------------------------------
    # API answers
    # ------------------------------------------------------------------
    def _api_summary(self):
        """What the API says of these messages."""
        return [
            {
                "id": intake.id,
                "reference": intake.external_ref or None,
                "state": intake.state,
                "reason_code": intake.reason_code or None,
                "reason": intake.reason or None,
                "order": intake.order_id.name or None,
                "oms_stage": intake.order_id.oms_stage or None,
            }
            for intake in self
        ]


def _as_bytes(body):
    if isinstance(body, bytes):
        return body
    return (body or "").encode("utf-8", errors="backslashreplace")
