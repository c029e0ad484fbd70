"""Run the test OpenID provider: `python -m sso.tests.oidc_provider.serve CONFIG.json` (started by sso/tests/provider.py).

1. Bind a free port on 127.0.0.1, so the issuer URL is known before Django reads its settings.
2. Migrate the provider's own SQLite database; create its users and register the platform as a confidential client.
3. Write {"port", "issuer"} to the ready file named in the configuration, then serve until terminated.
"""

import json
import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # query strings carry codes and states: not even in a test log
        pass


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    httpd = make_server("127.0.0.1", 0, lambda environ, start_response: [], server_class=_Server, handler_class=_QuietHandler)
    issuer = f"http://127.0.0.1:{httpd.server_port}/o"
    os.environ["SSO_TEST_PROVIDER_CONFIG"] = config_path
    os.environ["SSO_TEST_PROVIDER_ISSUER"] = issuer
    os.environ["DJANGO_SETTINGS_MODULE"] = "sso.tests.oidc_provider.settings"

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for username, person in config["users"].items():
        User.objects.create_user(username, password=person["password"])
    client = config["client"]
    Application.objects.create(
        name="安顺市企业之家平台",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
    )
    httpd.set_app(get_wsgi_application())
    ready = Path(config["ready_file"])
    ready.with_suffix(".tmp").write_text(json.dumps({"port": httpd.server_port, "issuer": issuer}), encoding="utf-8")
    ready.with_suffix(".tmp").rename(ready)
    httpd.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
