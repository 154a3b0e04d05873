import pytest
from conftest import CONTRACT_EXAMPLE, SHARED_EXAMPLE


def test_copy_of_contract_example_matches_shared() -> None:
    if not SHARED_EXAMPLE.exists():
        pytest.skip("../shared is not beside this checkout")
    assert CONTRACT_EXAMPLE.read_bytes() == SHARED_EXAMPLE.read_bytes(), (
        "tests/data/contract-example.yaml differs from the shared contract example: "
        "copy it again with: cp ../shared/contract/examples/hospital-discharge-carers.yaml "
        "tests/data/contract-example.yaml"
    )
