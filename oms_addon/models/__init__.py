from . import oms_channel
from . import oms_intake
from . import oms_sourcing_rule
from . import delivery_carrier
from . import product_template
from . import res_partner
from . import sale_order
from . import sale_order_line
