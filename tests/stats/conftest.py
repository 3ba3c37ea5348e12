"""The statistics are read and checked over the same small cast as the public site."""

from tests.public.conftest import (  # noqa: F401  (fixtures)
    campaign,
    city,
    frozen,
    municipality,
    public_request,
    sent,
    story,
    topic,
)
