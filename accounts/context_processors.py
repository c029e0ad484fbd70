from django.conf import settings

from accounts.navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "platform_name": settings.PLATFORM_NAME,
        "menu": menu_for(user) if user is not None else [],
        "current_path": request.path,
    }
