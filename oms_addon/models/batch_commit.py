# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""How the OMS jobs (intake processing, pre-processing) commit their work."""

from odoo.modules import module


def committed_batches(env, batches):
    """Yield each of ``batches``, then commit the work done on it (outside tests).

    A batch is final once processed: a later crash must not undo orders already
    created or confirmed and answered for. A consumer that stops early (a batch to
    start again) leaves the batch it holds uncommitted.
    """
    for batch in batches:
        yield batch
        if not module.current_test:
            env.cr.commit()  # pylint: disable=invalid-commit
