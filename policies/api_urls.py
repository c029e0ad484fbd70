"""Routes of the policies API (OUTREACH §2), included under /api/v1/ by qiyezhijia/api_urls.py."""

from django.urls import path

from policies import api

urlpatterns = [
    path("policies/", api.PolicyListView.as_view(), name="api-policy-list"),
    path("policies/<int:pk>/", api.PolicyDetailView.as_view(), name="api-policy-detail"),
    path("policies/<int:pk>/publish/", api.PolicyPublishView.as_view(), name="api-policy-publish"),
    path("policies/<int:pk>/withdraw/", api.PolicyWithdrawView.as_view(), name="api-policy-withdraw"),
    path("me/enterprise/", api.MeEnterpriseView.as_view(), name="api-me-enterprise"),
    path("me/policies/", api.MePoliciesView.as_view(), name="api-me-policies"),
    path("me/policies/<int:pk>/status/", api.MePolicyStatusView.as_view(), name="api-me-policy-status"),
    path("enterprises/<str:uscc>/tags/", api.EnterpriseTagsView.as_view(), name="api-enterprise-tags"),
]
