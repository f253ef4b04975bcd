"""The small demo county of the demo tests (``--scale 0.08``: ~2,000 households, two townships, four poor
villages); conftest.py builds it once per test module."""

import io

from django.core.management import call_command

from jingzhun.areas.models import Area
from jingzhun.demo.areas import COUNTY_CODE

SCALE = "0.08"
SEED = "7"


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", "--scale", SCALE, *args, stdout=out)
    return out.getvalue()


def county() -> Area:
    return Area.objects.get(code=COUNTY_CODE)
