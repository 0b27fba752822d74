"""The fan-out benchmark end to end, small: a server of its own, a few subscribers, a few
writes; every acknowledged write reaches every subscriber, and the figures are filled in."""

from __future__ import annotations

import argparse

from bench import subscriptions


async def test_every_subscriber_gets_every_write_and_the_costs_are_counted() -> None:
    args = argparse.Namespace(subscribers=3, rate=4, duration=1.0)
    result = await subscriptions.run(args)
    assert result["writes_acknowledged"] == result["writes_sent"] == 4
    assert result["events_received_of_acknowledged"] == result["events_expected"] == 12
    assert result["events_lost"] == result["events_duplicated"] == 0
    assert result["subscribers_out_of_order"] == result["subscribers_with_errors"] == 0
    assert result["change_streams_opened"] == 1
    # /proc counts in clock ticks (10 ms): the API's four mutations always take some; the
    # database's share of so short a run may round to none.
    per_event = result["cpu_us_per_event"]
    assert set(per_event) == {"api", "database", "clients"}
    assert per_event["api"] > 0, result["cpu_s"]
    assert per_event["clients"] > 0, result["cpu_s"]
    assert per_event["database"] >= 0, result["cpu_s"]
    result["load_before"] = result["load_after"] = 0.0
    text = subscriptions.markdown(result, "a machine")
    assert "| **events lost** | **0** |" in text
    assert "CPU per event delivered: API / database / clients" in text
