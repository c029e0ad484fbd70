from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken as KnoxAuthToken
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from accounts.login_names import refuse_phone_username
from accounts.models import (
    ADMINISTRATOR_ROLES,
    ApiToken,
    Department,
    Domain,
    Enterprise,
    IndustrySection,
    Region,
    User,
)
from accounts.passwords import remember_password
from audit.services import record
from core.masking import mask_phone

# Only a superuser (created by `createsuperuser` at install) grants these (SECURITY.md §3).
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class MaskedPhoneHistory(SimpleHistoryAdmin):
    """The change history lists old and new values: phones in it are masked like everywhere else in the admin."""

    phone_fields: tuple[str, ...] = ()

    def get_historical_record_context_helper(self, request, historical_record):
        phone_fields = self.phone_fields

        class Helper(HistoricalRecordContextHelper):
            def prepare_delta_change_value(self, change, value):
                if change.field in phone_fields:
                    return mask_phone(value)
                return super().prepare_delta_change_value(change, value)

        return Helper(self.model, historical_record)


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent", "active"]
    list_filter = ["level", "active"]
    search_fields = ["code", "name"]


@admin.register(IndustrySection)
class IndustrySectionAdmin(admin.ModelAdmin):
    """GB/T 4754-2017 sections: the standard fixes the letters, so the list is read only (loaded by migration)."""

    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "owners", "sort_order"]
    search_fields = ["code", "name"]

    @admin.display(description=_("负责部门"))
    def owners(self, obj: Domain) -> str:
        return "、".join(d.name for d in obj.departments.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "region", "kind", "owned_domains", "active"]
    list_filter = ["region", "kind", "active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["domains"]
    list_select_related = ["region"]

    @admin.display(description=_("负责业务领域"))
    def owned_domains(self, obj: Department) -> str:
        return "、".join(d.name for d in obj.domains.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")


@admin.register(Enterprise)
class EnterpriseAdmin(MaskedPhoneHistory):
    """The contact phone reads masked on every admin screen; it is typed in full only when the enterprise is added."""

    list_display = ["name", "uscc", "region", "industry", "scale", "contact_name", "masked_contact_phone"]
    list_filter = ["region", "industry", "scale"]
    search_fields = ["name", "uscc"]
    readonly_fields = ["masked_contact_phone"]
    phone_fields = ("contact_phone",)

    def get_fields(self, request, obj=None):
        phone = "masked_contact_phone" if obj is not None else "contact_phone"
        return [
            "name", "uscc", "region", "industry", "industry_description", "scale", "established_on", "address",
            "contact_name", phone,
        ]

    @admin.display(description=_("联系电话"))
    def masked_contact_phone(self, obj: Enterprise) -> str:
        return mask_phone(obj.contact_phone)


class ResetPasswordForm(AdminPasswordChangeForm):
    """An administrator's reset: the user must choose a new password at the next login (SECURITY.md §1)."""

    def save(self, commit=True):
        self.user.must_change_password = True
        self.user.password_changed_at = timezone.now()
        user = super().save(commit=commit)
        if commit and user.has_usable_password():
            remember_password(user)
        if commit:
            record("account.password_reset", obj=user, via="admin")
        return user


class UserCreationForm(AdminUserCreationForm):
    def clean_username(self):
        username = super().clean_username()
        refuse_phone_username(username)
        return username


@admin.register(User)
class UserAdmin(MaskedPhoneHistory, BaseUserAdmin):
    add_form = UserCreationForm
    list_display = ["username", "full_name", "role", "department", "enterprise", "masked_phone", "is_active", "last_login"]
    list_filter = ["role", "is_active", "department__region", "department"]
    # The phone is encrypted: a whole phone is found through its keyed hash (get_search_results), never by a fragment.
    search_fields = ["username", "first_name", "last_name", "department__name", "enterprise__name"]
    list_select_related = ["department", "enterprise"]
    autocomplete_fields = ["department", "enterprise"]
    change_password_form = ResetPasswordForm
    phone_fields = ("phone",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("last_name", "first_name", "email", "masked_phone")}),
        (_("角色与所属单位"), {"fields": ("role", "department", "enterprise")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "password1", "password2", "last_name", "first_name", "role", "department", "enterprise"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined", "masked_phone"]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results |= queryset.filter(pk__in=User.objects.with_phone(search_term.strip()).values("pk"))
        return results, may_have_duplicates

    @admin.display(description=_("姓名"))
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)

    # --- separation of duties: only a superuser touches privileges, superusers and administrators --------------------
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in PRIVILEGE_FIELDS if f not in fields]
        return fields

    def _reserved(self, request, obj) -> bool:
        """A superuser's or an administrator's account, which only a superuser may change."""
        return obj is not None and not request.user.is_superuser and (obj.is_superuser or obj.role in ADMINISTRATOR_ROLES)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._reserved(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._reserved(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [("", "---------")] + [
                (value, label) for value, label in db_field.choices if value not in ADMINISTRATOR_ROLES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            # A new account's first password comes from the administrator: its owner replaces it at first login.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        # Besides the admin.* row of every admin change: the account events SECURITY.md §4 names.
        changed = set(form.changed_data) if change else set()
        if not change:
            record("account.create", request=request, obj=obj, role=obj.role, via="admin")
        if "role" in changed:
            record("account.role_change", request=request, obj=obj, role=obj.role, before=form.initial.get("role", ""))
        if "is_active" in changed:
            record("account.enable" if obj.is_active else "account.disable", request=request, obj=obj, via="admin")

# knox registers its own token admin, which lists digests; the platform's tokens are accounts.ApiToken.
if admin.site.is_registered(KnoxAuthToken):
    admin.site.unregister(KnoxAuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by `manage.py issue_token`; here they are listed and revoked. Neither the key nor its digest
    is ever shown."""

    list_display = ["name", "user", "created", "expiry"]
    list_filter = ["user__role"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
    fields = ["name", "user", "created", "expiry"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("吊销所选令牌"), permissions=["delete"])
    def revoke(self, request, queryset):
        count = queryset.delete()[0]
        self.message_user(request, _("已吊销 %(n)d 个令牌。") % {"n": count}, messages.SUCCESS)
