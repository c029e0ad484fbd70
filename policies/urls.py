"""Web routes of the policies app (a minimal list on this branch: the integrator merges the other screens in)."""

from policies.reach_urls import urlpatterns as reach_urlpatterns

app_name = "policies"

urlpatterns = [*reach_urlpatterns]
