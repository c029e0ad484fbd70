"""Department pickers (UI.md: pickers search as you type and group by region, no Ctrl-click multi-selects).

The server renders a native <select> whose options are grouped in one <optgroup> per region, which works without
JavaScript; static/js/pickers.js turns every `select[data-picker]` into a searchable box (tom-select, from npm). What
may be chosen is still decided by the field's queryset and the acts' own checks, never by the widget.
"""

from __future__ import annotations

from django import forms


class RegionGroupedMixin:
    """Options grouped by the region of each department (one query for the regions' names); the empty option, when
    the field has one, stays first and outside any group."""

    picker_placeholder = "输入部门名称搜索"
    template_name = "core/forms/select.html"  # the options inline (Django includes a template per option)

    def __init__(self, attrs=None, **kwargs):
        attrs = {"data-picker": "departments", "data-placeholder": self.picker_placeholder, **(attrs or {})}
        super().__init__(attrs, **kwargs)

    def _grouped(self, choices) -> list:
        from accounts.models import Department, Region

        flat, groups, order = [], {}, []
        options = list(iter(choices))  # through iter(): list() would ask ModelChoiceIterator's len(), a COUNT query
        instances = [v.instance for v, _label in options if getattr(v, "instance", None) is not None]
        # The region read with the departments (select_related) costs nothing; otherwise one query for all names.
        names = {d.region_id: d.region.name for d in instances if Department.region.is_cached(d)}
        missing = {d.region_id for d in instances} - set(names)
        if missing:
            names.update(Region.objects.filter(pk__in=missing).values_list("pk", "name"))
        for option_value, label in options:
            instance = getattr(option_value, "instance", None)
            if instance is None:
                flat.append((option_value, label))
                continue
            name = names.get(instance.region_id, "其他")
            if name not in groups:
                groups[name] = []
                order.append(name)
            groups[name].append((option_value, label))
        return flat + [(name, groups[name]) for name in order]

    def optgroups(self, name, value, attrs=None):
        original = self.choices
        self.choices = self._grouped(original)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = original


class DepartmentSelect(RegionGroupedMixin, forms.Select):
    pass


class DepartmentSelectMultiple(RegionGroupedMixin, forms.SelectMultiple):
    picker_placeholder = "输入部门名称搜索，可选多个"
