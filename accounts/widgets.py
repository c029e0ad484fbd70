"""Department pickers (UI.md: pickers search as you type and group by region, no Ctrl-click multi-selects).

The server renders a native <select> whose options are grouped in one <optgroup> per region, which works without
JavaScript; static/js/pickers.js turns every `select[data-picker]` into a searchable box (tom-select, from npm). What
may be chosen is still decided by the field's queryset and the acts' own checks, never by the widget.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe


class RegionGroupedMixin:
    """Options grouped by the region of each department (one query for the regions' names); the empty option, when
    the field has one, stays first and outside any group."""

    picker_placeholder = "输入部门名称搜索"

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

    def render(self, name, value, attrs=None, renderer=None):
        """The <select> written here rather than through a template: the template engine costs about 15 µs per
        option, and a page holds several pickers of a region's departments (the triage page three, about 0.8 ms of
        its time) or every department of the city (the ticket list's filter). The markup is that of Django's
        select.html: attributes in order (True bare, False left out), options carry no attribute but `selected`."""
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"']
        for key, val in widget["attrs"].items():
            if val is True:
                parts.append(f" {escape(key)}")
            elif val is not False:
                parts.append(f' {escape(key)}="{escape(val)}"')
        parts.append(">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in options:
                selected = " selected" if option["selected"] else ""
                parts.append(f'\n  <option value="{escape(option["value"])}"{selected}>{escape(option["label"])}</option>')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class DepartmentSelect(RegionGroupedMixin, forms.Select):
    pass


class DepartmentSelectMultiple(RegionGroupedMixin, forms.SelectMultiple):
    picker_placeholder = "输入部门名称搜索，可选多个"
