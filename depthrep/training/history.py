"""Reading a training history (one row per epoch, see depthrep.training.fit). No torch here:
the run summary reads histories too."""

from __future__ import annotations

import pandas as pd


def train_accuracy(history: pd.DataFrame) -> pd.Series:
    """Training accuracy per epoch: in eval mode where measured, else the running one."""
    running = history["accuracy"]
    return history["train_accuracy"].fillna(running) if "train_accuracy" in history else running


def final_train_accuracy(history: pd.DataFrame) -> float:
    return float(train_accuracy(history).iloc[-1])
