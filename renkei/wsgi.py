import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.settings")
application = get_wsgi_application()

# Each worker refuses to start when the configured keys cannot decrypt the stored data (renkei/core/keys.py):
# the pages would show ciphertext otherwise. Once per worker start, not per request.
from renkei.core.keys import require_readable  # noqa: E402

require_readable()
