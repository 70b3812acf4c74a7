import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
application = get_wsgi_application()

from fengqiao.places.gazetteer import preload_in_background  # noqa: E402  (needs the settings configured above)

preload_in_background()
