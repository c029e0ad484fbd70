from django.conf import settings

from qiyezhijia.menu import menu_for
from tickets.search import SEARCHERS


def navigation(request):
    """The platform's name, the left menu of the user (with its queue counts) and whether the top bar offers the global
    search (tickets.search) for base.html."""
    user = getattr(request, "user", None)
    return {
        "platform_name": settings.PLATFORM_NAME,
        "menu": menu_for(user, request=request) if user is not None else [],
        "current_path": request.path,
        "global_search": user is not None and user.is_authenticated and user.role in SEARCHERS,
    }
