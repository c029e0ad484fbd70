"""Settings of the platform as bench/web.py serves it: the platform's own, plus the query-count header.

bench/web.py starts gunicorn with DJANGO_SETTINGS_MODULE=web_settings and PYTHONPATH holding the repository root and
bench/. Everything else (database, DEBUG off, the temporary var/ directory) comes from the environment it sets.
"""

from qiyezhijia.settings import *
from qiyezhijia.settings import MIDDLEWARE

# First, so that the queries of the session and authentication middleware count too. The middleware is inert unless
# QYZJ_QUERY_COUNT_HEADER=1 (bench/web.py sets it).
MIDDLEWARE = ["core.middleware.QueryCountHeaderMiddleware", *MIDDLEWARE]
