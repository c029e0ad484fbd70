"""Masking of personal data for display (SECURITY.md §3, §5): a phone reads `139****1234` unless a role must call back."""

MASK = "****"


def mask_phone(phone: str | None) -> str:
    """The first 3 and last 4 digits of a mobile number, the middle hidden; a short number keeps only its last 2.

    Empty in, empty out. Spaces and dashes people type are dropped first, so the mask never leaks a digit through them.
    """
    if not phone:
        return ""
    digits = "".join(ch for ch in str(phone) if ch not in " -")
    if len(digits) >= 11:
        return f"{digits[:3]}{MASK}{digits[-4:]}"
    if len(digits) > 4:
        return f"{MASK}{digits[-2:]}"
    return MASK


def mask_email(address: str | None) -> str:
    """The first character of the local part and the domain: `l****@example.cn`."""
    if not address:
        return ""
    local, at, domain = str(address).strip().rpartition("@")
    if not at:
        return mask_phone(address)
    return f"{local[:1]}{MASK}@{domain}"


def mask_address(address: str | None) -> str:
    """An outbox address (a phone or an email address), masked as each is."""
    return mask_email(address) if address and "@" in str(address) else mask_phone(address)
