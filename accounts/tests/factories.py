import factory
from factory.django import DjangoModelFactory

from accounts.demo import DEMO_PASSWORD
from accounts.models import Department, Enterprise, Region, Role, User
from accounts.uscc import ALPHABET, check_character


def valid_uscc(n: int) -> str:
    """A well-formed code with a correct check character, distinct for each n."""
    digits = []
    for _ in range(8):
        n, rem = divmod(n, 31)
        digits.append(ALPHABET[rem])
    body = "91520400M" + "".join(reversed(digits))
    return body + check_character(body)


def department(code: str) -> Department:
    return Department.objects.get(code=code)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    uscc = factory.Sequence(lambda n: valid_uscc(n + 1000))
    region = factory.LazyFunction(lambda: Region.objects.get(code="anshun"))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "测"
    first_name = factory.Sequence(lambda n: f"试{n}")
    role = Role.HANDLER
    department = factory.LazyFunction(lambda: department("anshun-scjg"))
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EnterpriseUserFactory(UserFactory):
    role = Role.ENTERPRISE
    department = None
    enterprise = factory.SubFactory(EnterpriseFactory)
