from . import intake_api
from . import export
