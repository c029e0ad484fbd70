"""The department pickers' markup (accounts.widgets): written in Python, it must escape, group and mark as a template
would."""

import pytest
from django import forms

from accounts.forms import DepartmentChoiceField, DepartmentsChoiceField
from accounts.models import Department, Region

pytestmark = pytest.mark.django_db


class PickForm(forms.Form):
    lead = DepartmentChoiceField(Department.objects.none())
    co = DepartmentsChoiceField(Department.objects.none(), required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = queryset
        self.fields["co"].queryset = queryset


def test_options_are_escaped_grouped_by_region_and_marked_selected():
    anshun, xixiu = Region.objects.get(code="anshun"), Region.objects.get(code="xixiu")
    odd = Department.objects.create(code="anshun-odd", name='市<b>"测试"</b>&局', region=anshun)
    other = Department.objects.create(code="xixiu-odd", name="区测试局", region=xixiu)
    form = PickForm(initial={"lead": odd.code, "co": [other.code]},
                    queryset=Department.objects.filter(pk__in=[odd.pk, other.pk]).order_by("region__sort_order", "code"))

    lead = str(form["lead"])
    assert lead.startswith('<select name="lead" data-picker="departments" data-placeholder="输入部门名称搜索" required ')
    assert '\n  <option value="">请选择部门</option>' in lead  # the empty option first, outside any group
    assert '<optgroup label="安顺市">\n  <option value="anshun-odd" selected>市&lt;b&gt;&quot;测试&quot;&lt;/b&gt;&amp;局</option>' in lead
    assert '<optgroup label="西秀区">\n  <option value="xixiu-odd">区测试局</option>\n  </optgroup>' in lead
    assert "<b>" not in lead and lead.endswith("\n</select>")

    co = str(form["co"])
    assert co.startswith('<select name="co" data-picker="departments"') and " multiple" in co
    assert '<option value="xixiu-odd" selected>区测试局</option>' in co and 'value=""' not in co
