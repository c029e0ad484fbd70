"""The composition root's one view: `/` is the public portal for a visitor and the person's home once logged in
(a staff role's workbench, the enterprise's home: workbench.views)."""

from portal import views as portal_views
from workbench import views as workbench_views


def root(request):
    if request.user.is_authenticated:
        return workbench_views.home(request)
    return portal_views.home(request)
