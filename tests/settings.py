"""Settings for the test suite: the project's settings in development mode (plain static storage)."""

import os

os.environ.setdefault("FENGQIAO_DEBUG", "1")

from fengqiao.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests create many users
