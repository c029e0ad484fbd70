"""The composition root's one view: `/` is the public portal for a visitor and the person's home once logged in."""

from accounts import views as accounts_views
from portal import views as portal_views


def root(request):
    if request.user.is_authenticated:
        return accounts_views.home(request)
    return portal_views.home(request)
