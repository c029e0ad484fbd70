"""Routes of a policy's reach and 免申即享 list in the API, included under /api/v1/ (OUTREACH §2)."""

from django.urls import path

from policies import api_reach

app_name = "policies_reach_api"

urlpatterns = [
    path("policies/<int:pk>/matches/", api_reach.MatchListView.as_view(), name="policy-matches"),
    path("policies/<int:pk>/beneficiaries/", api_reach.BeneficiaryListView.as_view(), name="policy-beneficiaries"),
    path("policies/<int:pk>/beneficiaries/disburse/", api_reach.DisburseView.as_view(),
         name="policy-beneficiaries-disburse"),
    path("me/benefits/", api_reach.MyBenefitsView.as_view(), name="me-benefits"),
]
