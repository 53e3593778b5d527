"""Small helpers the registry services share: apply a partial change, check uniqueness,
and record create/update/delete with before/after snapshots in the audit chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from django.db import IntegrityError, models, transaction

from antei.core import audit
from antei.core.actor import Actor
from antei.core.domain import Violation
from antei.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, field_error
from antei.core.roles import Perm

M = TypeVar("M", bound=models.Model)


def require(actor: Actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise PermissionDenied()


def reject(violations: Iterable[Violation]) -> None:
    found = list(violations)
    if found:
        raise InvalidInput.from_violations(found)


def unknown_fields(changes: Mapping[str, object], allowed: Iterable[str]) -> None:
    extra = sorted(set(changes) - set(allowed))
    if extra:
        raise InvalidInput(
            [field_error(f, "choice", value=f, choices=", ".join(sorted(allowed))) for f in extra]
        )


def ensure_unique(model: type[models.Model], fld: str, value: object, *, exclude_pk: object = None,
                  scope: Mapping[str, object] | None = None) -> None:
    qs = model._default_manager.filter(**{fld: value}, **(scope or {}))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise Conflict(errors=[field_error(fld, "unique", value=value)])


def resolve(model: type[M], fld: str, code: str | None, *, kind: str,
            key: str = "code") -> M | None:
    """Look a reference up by its code; an unknown code is the caller's input error."""
    if code in (None, ""):
        return None
    found = model._default_manager.filter(**{key: code}).first()
    if found is None:
        raise InvalidInput.one(fld, "unknown", kind=kind, value=code)
    return found


def resolve_required(model: type[M], fld: str, code: str | None, *, kind: str) -> M:
    """As `resolve`, for a reference that must be given."""
    found = resolve(model, fld, code, kind=kind)
    if found is None:
        raise InvalidInput.one(fld, "required")
    return found


def save_new(*, actor: Actor, instance: M, action: str,
             after: Callable[[M], Mapping[str, object]] | None = None) -> M:
    """Insert a row and its audit entry (caller holds the transaction)."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        # A concurrent insert won the unique index: same answer as the pre-check. The
        # driver's text names tables and constraints, not what the user did: not shown.
        raise Conflict() from exc
    audit.record(actor=actor, action=action, obj=instance,
                 after=after(instance) if after else audit.snapshot(instance))
    return instance


def save_changed(*, actor: Actor, instance: M, before: Mapping[str, object], action: str,
                 after: Callable[[M], Mapping[str, object]] | None = None) -> M:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise Conflict() from exc
    audit.record(actor=actor, action=action, obj=instance, before=before,
                 after=after(instance) if after else audit.snapshot(instance))
    return instance


def delete(*, actor: Actor, instance: models.Model, action: str,
           before: Mapping[str, object] | None = None) -> None:
    snapshot = before if before is not None else audit.snapshot(instance)
    obj_type, obj_id, obj_repr = instance._meta.label_lower, str(instance.pk), str(instance)
    try:
        with transaction.atomic():
            instance.delete()
    except models.ProtectedError as exc:
        what = ", ".join(sorted({str(o._meta.verbose_name_plural) for o in exc.protected_objects}))
        raise Conflict(errors=[field_error("code", "in_use", what=what)]) from exc
    except models.RestrictedError as exc:
        what = ", ".join(sorted({str(o._meta.verbose_name_plural) for o in exc.restricted_objects}))
        raise Conflict(errors=[field_error("code", "in_use", what=what)]) from exc
    audit.record(actor=actor, action=action, object_type=obj_type, object_id=obj_id,
                 object_repr=obj_repr, before=snapshot)


def get(model: type[M], kind: str, **lookup: object) -> M:
    """The one row matching `lookup`, locked for update inside a transaction, or NotFound."""
    found = model._default_manager.select_for_update().filter(**lookup).first()
    if found is None:
        # All parts of the key: "CORE/app-9" names the missing component, not its system.
        raise NotFound(kind, "/".join(str(v) for v in lookup.values()))
    return found
