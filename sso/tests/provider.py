"""Starting the test OpenID provider (sso/tests/oidc_provider) in its own process, and walking through it over HTTP.

Test code only. The provider is django-oauth-toolkit with OpenID Connect on, signing with an RSA key generated here;
the platform under test talks to it exactly as to the provincial identity: authorization, token, userinfo and JWKS
endpoints over real HTTP.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_PASSWORD = "Provider@2026"
CLIENT_ID = "qyzj-platform"


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str

    def settings(self) -> dict:
        """The platform's settings naming this provider (what the OIDC_* environment variables give in production)."""
        return {
            "SSO_ENABLED": True,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/.well-known/jwks.json",
            "OIDC_RP_SIGN_ALGO": "RS256",
        }


def start_provider(*, folder: Path, redirect_uri: str, users: dict[str, dict]) -> tuple[Provider, subprocess.Popen]:
    """Start the provider with these users ({username: claims}); returns once it answers."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = folder / "provider-key.pem"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    client_secret = secrets.token_urlsafe(32)
    ready_file = folder / "provider-ready.json"
    config = {
        "secret_key": secrets.token_urlsafe(40),
        "database": str(folder / "provider.sqlite3"),
        "rsa_private_key_file": str(key_file),
        "ready_file": str(ready_file),
        "client": {"client_id": CLIENT_ID, "client_secret": client_secret, "redirect_uri": redirect_uri},
        "users": {name: {"password": PROVIDER_PASSWORD, "claims": claims} for name, claims in users.items()},
    }
    config_file = folder / "provider-config.json"
    config_file.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    log = (folder / "provider.log").open("w")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    process = subprocess.Popen(
        [sys.executable, "-m", "sso.tests.oidc_provider.serve", str(config_file)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while not ready_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the test OpenID provider did not start:\n" + (folder / "provider.log").read_text())
        time.sleep(0.1)
    ready = json.loads(ready_file.read_text(encoding="utf-8"))
    return Provider(issuer=ready["issuer"], client_id=CLIENT_ID, client_secret=client_secret), process


class _Forms(HTMLParser):
    """Every form of a page: its action and the values its inputs would send (submit buttons left out)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "id": attrs.get("id"), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("type") != "submit":
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "a" and attrs.get("data-testid"):
            self.links[attrs["data-testid"]] = attrs.get("href", "")


def parse(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


def sign_in_through_provider(platform_url: str, provider_username: str, *, next_path: str = "") -> requests.Response:
    """A person on the platform's login page clicks "使用省统一身份认证登录", signs in at the provider, consents, and is
    sent back to the platform. Returns the platform's last answer (redirects followed); `.session` is the browser."""
    browser = requests.Session()
    login_page = browser.get(f"{platform_url}/login/" + (f"?next={next_path}" if next_path else ""), timeout=30)
    button = parse(login_page.text).links["sso-login"]
    at_provider = browser.get(platform_url + button, timeout=30)  # → the provider's authorize → its login page
    assert at_provider.url.startswith("http://127.0.0.1:"), at_provider.url
    fields = parse(at_provider.text).forms[0]["fields"]
    fields.update(username=provider_username, password=PROVIDER_PASSWORD)
    consent = browser.post(at_provider.url, data=fields, timeout=30)
    form = next(f for f in parse(consent.text).forms if f["id"] == "authorizationForm")
    back = browser.post(consent.url, data={**form["fields"], "allow": "Authorize"}, timeout=60)
    back.session = browser
    return back
