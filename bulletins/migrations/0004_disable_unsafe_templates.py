"""Word templates stored before issue 25 were rendered by a plain Jinja2 environment: one that
fails `bulletins.word_template`'s check is disabled here, with its refused tags as the reason,
so that it is never rendered again (new exports and the bulletins issued with it use the
template shipped with the application; the bureau's 待办 and the settings page say so)."""

from django.db import migrations
from django.utils import timezone


def disable_unsafe(apps, schema_editor):
    from bulletins.word_template import template_problems

    BulletinTemplate = apps.get_model("bulletins", "BulletinTemplate")
    now = timezone.now()
    for row in BulletinTemplate.objects.filter(disabled_at__isnull=True).iterator():
        problems = template_problems(bytes(row.content))
        if problems:
            row.disabled_at = now
            row.disabled_reason = "".join(problems)
            row.save(update_fields=["disabled_at", "disabled_reason"])


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0003_template_disabled")]

    operations = [migrations.RunPython(disable_unsafe, migrations.RunPython.noop)]
