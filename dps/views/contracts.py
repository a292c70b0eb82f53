from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit, downloads, roles
from dps import selectors

CONTRACT_COLUMNS = [
    "reference",
    "title",
    "provider_urn",
    "provider",
    "framework",
    "value",
    "start_date",
    "end_date",
    "extension_options",
    "max_extension_months",
    "status",
]
CONTRACT_MONEY = (5,)


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def contract_export(request: HttpRequest) -> HttpResponse:
    """The contract register as CSV (streamed) or XLSX (`?format=xlsx`)."""
    rows = selectors.contract_register_rows()
    stamp = timezone.localdate().isoformat()
    xlsx = request.GET.get("format") == "xlsx"
    name = f"contracts-{stamp}.{'xlsx' if xlsx else 'csv'}"
    audit.record(request, audit.Action.EXPORT, label=name, object_type="contract_register")
    if xlsx:
        return downloads.xlsx_response(
            name,
            {"Contracts": (CONTRACT_COLUMNS, rows)},
            money_columns={"Contracts": CONTRACT_MONEY},
        )
    return downloads.csv_response(name, CONTRACT_COLUMNS, rows, money_columns=CONTRACT_MONEY)
