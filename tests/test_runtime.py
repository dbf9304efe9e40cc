"""What every job sets up: strict determinism, and the messages of the errors that end a job."""

from __future__ import annotations

import os

import pytest
import torch
from torch._prims_common import alert_not_deterministic

from depthrep.files import Unreadable
from depthrep.pipeline import joblog, runtime


@pytest.fixture
def restored_determinism():
    before = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    yield
    torch.use_deterministic_algorithms(before[0], warn_only=before[1])


def test_deterministic_mode_is_strict_and_its_error_names_the_setting(restored_determinism):
    runtime.configure(deterministic=True, device="cpu")
    assert torch.are_deterministic_algorithms_enabled() and not torch.is_deterministic_algorithms_warn_only_enabled()
    with pytest.raises(RuntimeError, match="does not have a deterministic implementation") as error:
        alert_not_deterministic("an_operation_without_one")  # what torch calls for such an operation
    message = joblog.explain(error.value)
    assert "an_operation_without_one" in message and "Set deterministic: false in the config" in message
    runtime.configure(deterministic=False, device="cpu")
    alert_not_deterministic("an_operation_without_one")  # allowed now


def test_an_unreadable_result_is_moved_aside_and_named_with_the_rule_that_makes_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = tmp_path / "results/inversions/fixed/resnet50/untrained/dalmatian/blur/result.json"
    result.parent.mkdir(parents=True)
    result.write_text('{"key": {"run": "fix')
    message = joblog.explain(Unreadable(os.path.relpath(result), "it is truncated"))
    assert "it is truncated" in message and "made by rule invert" in message and "Run snakemake again" in message
    assert not result.exists() and result.with_name("result.json.corrupt").read_text() == '{"key": {"run": "fix'
    joblog.explain(Unreadable(os.path.relpath(result), "read by a second job"))  # already moved: no error
