import pytest

from accounts.login_names import new_username
from accounts.models import Region
from accounts.tests.factories import EnterpriseFactory, EnterpriseUserFactory
from enterprises.licences import store_licence
from enterprises.models import EnterpriseAdmin, Verification
from enterprises.tests.helpers import png


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def applicant(db):
    """The administrator of a self-registered, unverified enterprise of the county 西秀区."""
    enterprise = EnterpriseFactory(name="西秀新注册科技有限公司", region=Region.objects.get(code="xixiu"))
    user = EnterpriseUserFactory(username=new_username(), phone="13985300021", enterprise=enterprise, first_name="申请人")
    Verification.objects.create(enterprise=enterprise)
    EnterpriseAdmin.objects.create(enterprise=enterprise, user=user)
    store_licence(enterprise=enterprise, upload=png(), uploaded_by=user)
    return user


@pytest.fixture
def ent_admin(enterprise_user):
    """The conftest enterprise user (city), as its enterprise's administrator."""
    enterprise_user.phone = "13985300031"
    enterprise_user.save(update_fields=["phone"])
    EnterpriseAdmin.objects.create(enterprise=enterprise_user.enterprise, user=enterprise_user)
    Verification.objects.create(enterprise=enterprise_user.enterprise, status=Verification.Status.VERIFIED)
    return enterprise_user
