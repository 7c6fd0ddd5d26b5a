from django import forms


class BulletinPublishForm(forms.Form):
    reason = forms.CharField(
        label="修订原因（发布修订版时必填）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_partial = forms.BooleanField(label="确认在数据未齐时发布（未填报的街镇将在通报中列出）", required=False)
