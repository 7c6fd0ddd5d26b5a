from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from beibei_dashboard import fields

from .choices import Role

# Apps whose data bureau staff may edit in the admin; accounts stay with superusers.
BUREAU_ADMIN_APPS = {"targets", "tasks", "enterprises"}


class User(AbstractUser):
    """A person who logs in. The role decides what they may see and change.

    A sub-district official is bound to one sub-district, a unit user to one department;
    bureau staff and leadership see the whole district. All scoping reads these fields
    through `accounts.scope`, never directly in a view or template.
    """

    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.LEADER)
    subdistrict = fields.optional_ref("targets.SubDistrict", "所属街镇", related_name="officials")
    unit = fields.optional_ref("tasks.Unit", "所属单位", related_name="users")
    is_demo = models.BooleanField("演示账号", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def clean(self):
        super().clean()
        if self.role == Role.SUBDISTRICT and self.subdistrict_id is None:
            raise ValidationError({"subdistrict": "街镇账号必须指定所属街镇。"})
        if self.role == Role.UNIT and self.unit_id is None:
            raise ValidationError({"unit": "单位账号必须指定所属单位。"})
        if self.role != Role.SUBDISTRICT and self.subdistrict_id is not None:
            raise ValidationError({"subdistrict": "只有街镇账号可以指定所属街镇。"})
        if self.role != Role.UNIT and self.unit_id is not None:
            raise ValidationError({"unit": "只有单位账号可以指定所属单位。"})

    def save(self, *args, **kwargs):
        # Bureau staff maintain the plan's data in the admin; nobody else enters it.
        self.is_staff = self.is_superuser or self.role == Role.BUREAU
        super().save(*args, **kwargs)

    def has_perm(self, perm, obj=None):
        if self.is_active and self.role == Role.BUREAU and perm.split(".", 1)[0] in BUREAU_ADMIN_APPS:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        if self.is_active and self.role == Role.BUREAU and app_label in BUREAU_ADMIN_APPS:
            return True
        return super().has_module_perms(app_label)
