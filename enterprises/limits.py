"""Rate limits of the self-service screens (SECURITY.md §1, §2): counted in the shared cache, answered with 429.
The SMS codes carry their own caps as well (enterprises.phonecodes: 60 s between codes, daily caps)."""

from core.ratelimit import RateLimit

SIGNUP = RateLimit("signup", limit=10, window=3600)  # sign-up submissions per client address
CODE = RateLimit("sms_code", limit=10, window=600)  # "获取验证码" per client address and per phone
RESET = RateLimit("password_reset", limit=10, window=3600)  # reset submissions per client address and per phone
