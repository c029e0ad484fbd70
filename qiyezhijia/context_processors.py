from django.conf import settings

from qiyezhijia.menu import menu_for


def navigation(request):
    """The platform's name and the left menu of the user (with its queue counts) for base.html."""
    user = getattr(request, "user", None)
    return {
        "platform_name": settings.PLATFORM_NAME,
        "menu": menu_for(user) if user is not None else [],
        "current_path": request.path,
    }
