"""Migrations that move a model to another app keep its table, its rows — and its content type, so that permissions
and admin log entries follow the model."""

from django.db import migrations


def move_content_types(moves: list[tuple[str, str, str]]) -> migrations.RunPython:
    """A RunPython operation relabelling the content types of `moves` [(old app, new app, model)] and back."""

    def relabel(apps, schema_editor, *, backwards: bool) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        for old, new, model in moves:
            source, target = (new, old) if backwards else (old, new)
            if content_type.objects.filter(app_label=target, model=model).exists():
                continue  # already there (created by a later post_migrate); the old label stays stale
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)

    return migrations.RunPython(
        lambda apps, editor: relabel(apps, editor, backwards=False),
        lambda apps, editor: relabel(apps, editor, backwards=True),
    )
