from . import oms_order_import
from . import oms_intake_correct
