from django import forms

from .importers import MAX_BYTES


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(label="企业名录文件（.xlsx、.xlsm、.xls、.et、.ods 或 .csv）")
    sheet = forms.CharField(label="工作表（文件有多个填好的工作表时填写）", required=False, max_length=100)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_BYTES:
            raise forms.ValidationError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后导入。")
        return uploaded


class MonthForm(forms.Form):
    month = forms.CharField(label="月份", required=False, widget=forms.TextInput(attrs={"type": "month"}))
