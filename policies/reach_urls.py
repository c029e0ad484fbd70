"""Web routes of a policy's reach and 免申即享 list, root-relative; included in the `policies` namespace."""

from django.urls import path

from policies.views import reach

urlpatterns = [
    path("policies/reach/", reach.reach_list, name="reach"),
    path("policies/<int:pk>/reach/", reach.reach_matches, name="reach_matches"),
    path("policies/<int:pk>/beneficiaries/", reach.beneficiary_list, name="beneficiaries"),
    path("policies/<int:pk>/beneficiaries/import/", reach.beneficiary_import, name="beneficiaries_import"),
    path("policies/<int:pk>/beneficiaries/template/", reach.beneficiary_template, name="beneficiaries_template"),
    path("policies/<int:pk>/beneficiaries/disburse/", reach.beneficiary_disburse, name="beneficiaries_disburse"),
    path("benefits/", reach.benefits, name="benefits"),
]
