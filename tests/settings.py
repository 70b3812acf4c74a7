"""Settings for the test suite: the project's settings in development mode (plain static storage)."""

import os

os.environ.setdefault("FENGQIAO_DEBUG", "1")

from fengqiao.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests create many users

# A test database per run, so that several runs on one machine (developers, CI) never collide.
_run = os.getpid()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{_run}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_fengqiao_{_run}"}  # noqa: F405

# Files written outside a test's own media folder (session-scoped fixtures such as the loaded demo) go to a scratch
# folder of this run, never into the developer's var/media.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix=f"fengqiao-test-media-{_run}-"))
