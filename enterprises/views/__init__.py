"""Screens of enterprise self-service, one module per area: sign-up and the public account pages (`public`), the
enterprise's own page and the person's account (`account`), the office's verification queue (`verification`)."""
