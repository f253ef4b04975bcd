"""The area page of the register shows the area's 五包 chain to users who may see assistance data."""

import pytest
from django.urls import reverse

from jingzhun.assistance.models import ResponsibilityLink

pytestmark = pytest.mark.django_db


def test_area_page_shows_the_chain_only_to_assistance_users(personas, client_for):
    import datetime

    from jingzhun.assistance.services import link_save

    link_save(
        actor=personas.county_admin,
        area=personas.tree.township_a,
        kind="leader_township",
        person_name="王县长",
        title="副县长",
        unit="县人民政府",
        started_on=datetime.date(2025, 1, 1),
    )
    assert ResponsibilityLink.objects.count() == 1
    url = reverse("areas:detail", args=[personas.tree.village_a1.code])
    page = client_for(personas.township_a).get(url).content.decode()
    assert 'data-testid="area-chain"' in page and "王县长" in page
    page = client_for(personas.department).get(url).content.decode()
    assert 'data-testid="area-chain"' not in page
