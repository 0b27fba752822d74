from __future__ import annotations

import httpx

from tests.conftest import data


async def test_person_with_statements(client: httpx.AsyncClient) -> None:
    result = await data(
        client, '{ person(slug: "sergei-kislyak") { name statements { totalCount } } }'
    )
    assert result["person"]["name"] == "Sergei Kislyak"
    assert result["person"]["statements"]["totalCount"] > 0
