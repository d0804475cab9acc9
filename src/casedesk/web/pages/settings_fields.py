"""Settings: the workspace's custom case fields, defined, changed and deleted."""

import json
import uuid
from dataclasses import asdict, dataclass
from typing import Annotated, Any, Self

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from casedesk.errors import CasedeskError
from casedesk.fields.names import FIELD_NAME_PATTERN, is_internal
from casedesk.fields.types import KIND_TYPES, OPTION_TYPES, FieldKind, FieldType
from casedesk.fields.values import coerce
from casedesk.web.api import INPUT_REFUSALS, ApiError
from casedesk.web.context import CheckedForm, ManagingPage, Page
from casedesk.web.errors import PageNotFound
from casedesk.web.forms import NotJson, parse_json_input
from casedesk.web.templating import render

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

SECTION_PATH = "/settings/fields"
NEW_FORM = "new"
# Statuses of an API refusal the page answers by showing the form again.
TYPE_LABELS = {
    FieldType.TEXT: "Text",
    FieldType.INTEGER: "Integer",
    FieldType.NUMERIC: "Number (decimal)",
    FieldType.DATE: "Date",
    FieldType.BOOLEAN: "Yes / no",
    FieldType.TIMESTAMPTZ: "Date and time",
    FieldType.JSONB: "JSON",
    FieldType.SELECT: "Select (one option)",
    FieldType.MULTI_SELECT: "Multi-select (several options)",
}
KIND_LABELS = {FieldKind.LONG_TEXT: "Long text (Text)", FieldKind.URL: "URL (JSON)"}
TRUE_WORDS = ("true", "yes", "1", "on")
FALSE_WORDS = ("false", "no", "0", "off")

# A field's id in page paths is its name; the pattern keeps it one path segment.
FieldIdPath = Annotated[str, Path(pattern=FIELD_NAME_PATTERN, max_length=100)]


class UnreadableDefault(ValueError):
    """The default typed for a JSON field is not JSON."""


@dataclass
class FieldForm:
    """A field form as typed: text to show again, and the API body it asks for."""

    name: str = ""
    display_name: str = ""
    type: str = FieldType.TEXT.value
    kind: str = ""
    options: str = ""
    default: str = ""
    required_on_closure: bool = False

    @classmethod
    def read(cls, form: FormData) -> Self:
        """The values of a submitted field form."""
        return cls(
            name=_text(form, "name").strip(),
            display_name=_text(form, "display_name"),
            type=_text(form, "type"),
            kind=_text(form, "kind"),
            options=_text(form, "options"),
            default=_text(form, "default"),
            required_on_closure=form.get("required_on_closure") is not None,
        )

    @classmethod
    def of_field(cls, field: dict[str, Any]) -> Self:
        """A stored field as its edit form shows it."""
        default = field.get("default") or ""
        if field["type"] == FieldType.MULTI_SELECT and default:
            # The API lists a multi-select default as a JSON array.
            chosen = json.loads(default)
            default = "\n".join(str(item) for item in chosen)
        return cls(
            name=field["id"],
            display_name=field["display_name"],
            type=field["type"],
            kind=field.get("kind") or "",
            options="\n".join(field.get("options") or []),
            default=default,
            required_on_closure=bool(field.get("required_on_closure")),
        )

    def option_list(self) -> list[str]:
        """The options typed one per line, blank lines left out."""
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def takes_options(self) -> bool:
        """Whether the chosen type is one of the select types."""
        return self.type in OPTION_TYPES

    def default_value(self) -> Any:
        """The default as JSON for the API; None when left empty."""
        text = self.default.strip()
        if not text:
            return None
        if self.type == FieldType.BOOLEAN:
            if text.lower() in TRUE_WORDS:
                return True
            if text.lower() in FALSE_WORDS:
                return False
            return text
        if self.type == FieldType.MULTI_SELECT:
            return [line.strip() for line in text.splitlines() if line.strip()]
        if self.type == FieldType.JSONB:
            try:
                return parse_json_input(text)
            except NotJson as error:
                raise UnreadableDefault(
                    f'{error} For example: {{"key": "value"}}'
                ) from error
        return self.default

    def create_body(self) -> dict[str, Any]:
        """The `POST /case-fields` body."""
        body: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "required_on_closure": self.required_on_closure,
        }
        if self.display_name.strip():
            body["display_name"] = self.display_name.strip()
        if self.kind:
            body["kind"] = self.kind
        if self.takes_options() or self.option_list():
            body["options"] = self.option_list()
        default = self.default_value()
        if default is not None:
            body["default"] = default
        return body

    def update_body(self, current: "FieldForm") -> dict[str, Any]:
        """The `PATCH /case-fields/{id}` body: what differs from `current`."""
        body: dict[str, Any] = {
            "default": self.default_value(),
            "required_on_closure": self.required_on_closure,
        }
        if self.name != current.name:
            body["name"] = self.name
        if self.type != current.type:
            body["type"] = self.type
        # Left alone, a display name never chosen keeps following the name.
        if self.display_name.strip() != current.display_name:
            body["display_name"] = self.display_name.strip() or None
        if self.takes_options() or self.option_list():
            body["options"] = self.option_list()
        return body

    def default_is_refused(self) -> bool:
        """Whether the default cannot be read as a value of the chosen type."""
        # Asked only once the API has refused: this tells whether its refusal
        # was about the default, by the very rule the API applies to it.
        try:
            value = self.default_value()
            if value is None:
                return False
            coerce(
                value,
                name=self.name.lower() or "field",
                field_type=FieldType(self.type),
                options=self.option_list() or None,
                for_default=True,
            )
        except (CasedeskError, ValueError):
            return True
        return False


@router.get(SECTION_PATH, response_class=HTMLResponse)
async def fields_settings(
    page: ManagingPage, workspace_id: Annotated[uuid.UUID, Path()]
) -> Response:
    """The workspace's custom fields, with forms to define and change them."""
    return await _fields_page(page)


@router.post(SECTION_PATH, response_class=HTMLResponse)
async def create_field(
    page: ManagingPage,
    workspace_id: Annotated[uuid.UUID, Path()],
    form: CheckedForm,
) -> Response:
    """Define a custom field from the new-field form."""
    submitted = FieldForm.read(form)
    try:
        body = submitted.create_body()
    except UnreadableDefault as error:
        return await _fields_page(
            page, NEW_FORM, submitted, {"default": str(error)}, status_code=422
        )

    try:
        await page.api.post(page.api_path("/case-fields"), json=body)
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        errors = _refusal_errors(error, submitted, renamed=True, retyped=False)
        return await _fields_page(
            page, NEW_FORM, submitted, errors, status_code=error.status_code
        )
    return RedirectResponse(page.url(SECTION_PATH), status_code=303)


@router.post(f"{SECTION_PATH}/{{field_id}}", response_class=HTMLResponse)
async def update_field(
    page: ManagingPage,
    workspace_id: Annotated[uuid.UUID, Path()],
    field_id: FieldIdPath,
    form: CheckedForm,
) -> Response:
    """Rename, retype or redefine a field from its edit form."""
    listed = await page.api.get(page.api_path("/case-fields"))
    stored = next(
        (item for item in listed if item["id"] == field_id and not item["reserved"]),
        None,
    )
    if stored is None:
        raise PageNotFound()

    current = FieldForm.of_field(stored)
    submitted = FieldForm.read(form)
    try:
        body = submitted.update_body(current)
    except UnreadableDefault as error:
        return await _fields_page(
            page, field_id, submitted, {"default": str(error)}, status_code=422
        )

    try:
        await page.api.patch(page.api_path(f"/case-fields/{field_id}"), json=body)
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        errors = _refusal_errors(
            error,
            submitted,
            renamed=submitted.name != current.name,
            retyped=submitted.type != current.type,
        )
        return await _fields_page(
            page, field_id, submitted, errors, status_code=error.status_code
        )
    return RedirectResponse(page.url(SECTION_PATH), status_code=303)


@router.post(f"{SECTION_PATH}/{{field_id}}/delete")
async def delete_field(
    page: ManagingPage,
    workspace_id: Annotated[uuid.UUID, Path()],
    field_id: FieldIdPath,
    form: CheckedForm,
) -> Response:
    """Delete a field and every case's value of it."""
    await page.api.delete(page.api_path(f"/case-fields/{field_id}"))
    return RedirectResponse(page.url(SECTION_PATH), status_code=303)


async def _fields_page(
    page: Page,
    target: str | None = None,
    submitted: FieldForm | None = None,
    errors: dict[str, str] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The section; a refused form (`target`) shows what was typed and why."""
    listed = await page.api.get(page.api_path("/case-fields"))
    custom = [item for item in listed if not item["reserved"]]
    reserved = [item["id"] for item in listed if item["reserved"]]

    forms = {item["id"]: asdict(FieldForm.of_field(item)) for item in custom}
    new_form = asdict(FieldForm())
    if submitted is not None and target == NEW_FORM:
        new_form = asdict(submitted)
    elif submitted is not None and target in forms:
        forms[target] = asdict(submitted)

    return render(
        page.request,
        "settings/fields.html",
        {
            "page": page,
            "section": "fields",
            "fields": custom,
            "reserved": reserved,
            "forms": forms,
            "new_form": new_form,
            "target": target,
            "errors": errors or {},
            "type_labels": TYPE_LABELS,
            "kind_labels": KIND_LABELS,
            "option_types": sorted(OPTION_TYPES),
        },
        status_code=status_code,
    )


def _refusal_errors(
    error: ApiError, submitted: FieldForm, *, renamed: bool, retyped: bool
) -> dict[str, str]:
    """The API's refusal keyed by the input that caused it.

    Domain refusals carry one sentence and no location; which input it is about
    follows from what the form asked for, in the order the API checks it: the
    name, then the default, then the conversion of stored values.
    """
    if error.status_code == 422 and isinstance(error.detail, list):
        return _validation_errors(error.field_errors(), submitted)

    message = error.message
    if error.status_code == 409 or (renamed and is_internal(submitted.name)):
        return {"name": message}
    if submitted.default_is_refused():
        return {"default": message}
    if error.status_code == 400 and retyped:
        return {"type": message}
    if error.status_code == 422:
        return {"options": message}
    return {"form": message}


def _validation_errors(found: dict[str, str], submitted: FieldForm) -> dict[str, str]:
    """FastAPI's 422 items keyed by input; a whole-body one names the culprit."""
    inputs = {"name", "display_name", "type", "kind", "options", "default"}
    errors: dict[str, str] = {}
    for key, message in found.items():
        head = key.split(".")[0]
        if head == "form":
            # The body's own check looks at the kind first, then the options.
            head = "kind" if not _kind_fits(submitted) else "options"
        errors.setdefault(head if head in inputs else "form", message)
    return errors


def _kind_fits(submitted: FieldForm) -> bool:
    if not submitted.kind:
        return True
    try:
        return KIND_TYPES[FieldKind(submitted.kind)] == FieldType(submitted.type)
    except ValueError:
        return False


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""
