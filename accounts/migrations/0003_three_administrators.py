"""三权分立 (SECURITY.md §3): the single `admin` role becomes `sysadmin`, beside the new `auditor` and `secadmin`.
Every existing admin user (and its history rows) keeps its rights under the new name; reversible."""

from django.db import migrations, models


def rename_role(apps, old: str, new: str) -> None:
    for model in ("User", "HistoricalUser"):
        apps.get_model("accounts", model).objects.filter(role=old).update(role=new)


def admin_to_sysadmin(apps, schema_editor):
    rename_role(apps, "admin", "sysadmin")


def sysadmin_to_admin(apps, schema_editor):
    rename_role(apps, "sysadmin", "admin")
    # The former single role had no auditor or security administrator: they fall back to it.
    for role in ("auditor", "secadmin"):
        rename_role(apps, role, "admin")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_load_organisation'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='user',
            name='user_role_matches_affiliation',
        ),
        migrations.AlterField(
            model_name='historicaluser',
            name='role',
            field=models.CharField(choices=[('enterprise', '企业用户'), ('specialist', '企业服务专员'), ('handler', '涉企服务工作人员'), ('office', '联合服务办公室'), ('government', '政府办公室'), ('leader', '领导'), ('supervisor', '特约监督员'), ('chamber', '商会工作人员'), ('sysadmin', '系统管理员'), ('auditor', '审计管理员'), ('secadmin', '安全管理员')], max_length=16, verbose_name='角色'),
        ),
        migrations.AlterField(
            model_name='user',
            name='role',
            field=models.CharField(choices=[('enterprise', '企业用户'), ('specialist', '企业服务专员'), ('handler', '涉企服务工作人员'), ('office', '联合服务办公室'), ('government', '政府办公室'), ('leader', '领导'), ('supervisor', '特约监督员'), ('chamber', '商会工作人员'), ('sysadmin', '系统管理员'), ('auditor', '审计管理员'), ('secadmin', '安全管理员')], max_length=16, verbose_name='角色'),
        ),
        migrations.RunPython(admin_to_sysadmin, sysadmin_to_admin),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('department__isnull', True), ('enterprise__isnull', False), ('role', 'enterprise')), models.Q(('enterprise__isnull', True), ('role__in', ('sysadmin', 'auditor', 'secadmin'))), models.Q(models.Q(('role__in', ['enterprise', 'sysadmin', 'auditor', 'secadmin']), _negated=True), ('department__isnull', False), ('enterprise__isnull', True)), _connector='OR'), name='user_role_matches_affiliation', violation_error_message='企业用户必须属于一个企业且不属于部门；管理员不属于企业；其他角色必须属于一个部门且不属于企业。'),
        ),
    ]
