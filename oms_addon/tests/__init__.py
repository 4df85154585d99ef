from . import test_security
from . import test_ui
from . import test_intake
from . import test_intake_api
from . import test_intake_concurrency
from . import test_order_import
from . import test_sourcing
