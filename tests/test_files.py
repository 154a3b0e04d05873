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


def test_atomic_write_gives_normal_permissions(tmp_path) -> None:
    """Temporary files are private; a written output must not lock colleagues out."""
    import os
    import stat

    from dpia.fileio import atomic_write_bytes

    target = tmp_path / "out.txt"
    atomic_write_bytes(target, b"one")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    os.chmod(target, 0o640)
    atomic_write_bytes(target, b"two")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_bytes() == b"two"
