"""How much of each specification the contract suite exercises (printed; docs/sandbox.md quotes it).

The numbers are a report, not a threshold: each provider's own test asserts that every application
operation the modules use was exercised and conformed."""

from __future__ import annotations

import pytest

from . import contract, test_bandwidth_contract, test_telnyx_contract, test_twilio_contract, test_vobiz_contract, test_vonage_contract

SCENARIOS = {
    "twilio": test_twilio_contract.run_every_operation,
    "vonage": test_vonage_contract.run_every_operation,
    "bandwidth": test_bandwidth_contract.run_every_operation,
    "vobiz": test_vobiz_contract.run_every_operation,
    "telnyx": test_telnyx_contract.run_every_operation,
}


@pytest.mark.parametrize("provider", contract.PROVIDERS)
def test_coverage_of_the_specification(recorded, run_module, provider, capsys):
    SCENARIOS[provider](recorded, run_module)
    exchanges = recorded.exchanges(provider)
    covered = {contract.operation_of(provider, exchange) for exchange in exchanges}
    fields = contract.field_coverage(provider, exchanges)

    with capsys.disabled():
        print(f"\n{provider}: operations {len(covered)}/{len(contract.operations(provider))}, "
              f"request fields {fields['requests'][0]}/{fields['requests'][1]}, "
              f"answer fields {fields['answers'][0]}/{fields['answers'][1]} (exchanges: {len(exchanges)})")
    assert fields["requests"][0] > 0 and fields["answers"][0] > 0
