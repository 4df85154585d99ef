from . import oms_order_import
