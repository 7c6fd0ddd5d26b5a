from django import forms

from beibei_dashboard.forms import CleanCharField

from . import catalogue


class AssessmentSchemeForm(forms.Form):
    """Weight, full-marks line and zero line of every item, a note, and why it changes."""

    note = CleanCharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    reason = CleanCharField(label="修改原因（修改已设立的方案时必填）", required=False, max_length=500)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        current = {row["code"]: row for row in items}
        self.rows = []
        for item in catalogue.ITEMS:
            row = current.get(item.code, {"weight": 0, "full": 100, "floor": 0})
            names = []
            for key, label in (("weight", "分值"), ("full", "满分线（%）"), ("floor", "零分线（%）")):
                name = f"{item.code}__{key}"
                self.fields[name] = forms.DecimalField(
                    label=f"{item.name}：{label}", min_value=0, max_digits=6, decimal_places=2, initial=row[key]
                )
                names.append(name)
            self.rows.append((item, [self[name] for name in names]))

    @property
    def items(self):
        data = self.cleaned_data
        return [
            {key: float(data[f"{item.code}__{key}"]) for key in ("weight", "full", "floor")} | {"code": item.code}
            for item in catalogue.ITEMS
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            for problem in catalogue.check_items(self.items):
                self.add_error(None, problem)
        return data


class PublishForm(forms.Form):
    reason = CleanCharField(label="修订原因（修订已发布的结果时必填）", required=False, max_length=500)
