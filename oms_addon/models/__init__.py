from . import oms_channel
from . import delivery_carrier
from . import product_template
from . import sale_order
