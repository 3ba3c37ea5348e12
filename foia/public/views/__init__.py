"""The public site: the log, requests, authorities, campaigns, the dashboard, documents."""

from foia.public.views.dashboard import dashboard, dashboard_csv
from foia.public.views.documents import document
from foia.public.views.exports import export_csv, export_json
from foia.public.views.pages import (
    authority_detail,
    authority_list,
    campaign_detail,
    data,
    home,
    request_detail,
    request_log,
)

__all__ = [
    "authority_detail",
    "authority_list",
    "campaign_detail",
    "dashboard",
    "dashboard_csv",
    "data",
    "document",
    "export_csv",
    "export_json",
    "home",
    "request_detail",
    "request_log",
]
