from django import forms

from beibei_dashboard.forms import CleanCharField, free_text_formfield

from .models import BulletinSettings


class BulletinPublishForm(forms.Form):
    reason = CleanCharField(
        label="修订原因（发布修订版时必填）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_partial = forms.BooleanField(label="确认在数据未齐时发布（未填报的街镇将在通报中列出）", required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class BulletinSettingsForm(forms.ModelForm):
    class Meta:
        model = BulletinSettings
        formfield_callback = free_text_formfield
        fields = ["send_to", "copy_to"]
        widgets = {
            "send_to": forms.TextInput(attrs={"size": 60}),
            "copy_to": forms.TextInput(attrs={"size": 60}),
        }


class BulletinTemplateForm(forms.Form):
    file = forms.FileField(label="Word模板（.docx）")
