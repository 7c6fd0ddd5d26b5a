from django import forms


class BulletinPublishForm(forms.Form):
    reason = forms.CharField(
        label="修订原因（发布修订版时必填）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
