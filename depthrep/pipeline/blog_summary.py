"""The blog posts' claims in results/summary.md, each with the numbers this run measured and
whether they agree. No torch here: it reads the tables the blog jobs wrote.

`files(config)` names the tables (what the summary job takes as input, by key); `render(config,
tables)` turns them into the summary's lines.
"""

from __future__ import annotations

import math

import pandas as pd

from . import paths, plan

UNET_LEFT_OUT = (
    "The post's Unet autoencoders (landscapes at 512 px, LSUN churches at 64 px) are left out: their data sets cannot be "
    "fetched reproducibly by the pipeline (no checksummed, versioned download)."
)


def files(config: dict) -> dict[str, str]:
    """{key: table} the claims are read from: the autoencoder's history and figure tables, and
    each similarity state's part tables ("<state>/<part>")."""
    found = {}
    if plan.autoencoder_figures(config):
        found["autoencoder_history"] = paths.AUTOENCODER_HISTORY
        found.update({name: paths.AUTOENCODER_TABLE.format(figure=name) for name in plan.autoencoder_figures(config)})
    for state in plan.similarity_states(config):
        found.update(
            {f"{state}/{part}": paths.MODEL_SIMILARITY_TABLE.format(state=state, part=part) for part in plan.similarity_parts(config)}
        )
    return found


def _verdict(agrees: bool | None) -> str:
    return {True: "**agrees**", False: "**does not agree**", None: "**partly agrees**"}[agrees]


def render(config: dict, tables: dict[str, pd.DataFrame]) -> list[str]:
    """The summary's "Blog posts" section (empty when the config has no blog figure)."""
    kinds = {spec["kind"] for spec in config["figures"].values()}
    if not kinds & {*plan.AUTOENCODER_KINDS, *plan.SIMILARITY_KINDS}:
        return []
    lines = ["", "## Blog posts: the claims and this run's numbers", ""]
    if kinds & set(plan.AUTOENCODER_KINDS):
        lines += _autoencoder(config, tables)
    if kinds & set(plan.SIMILARITY_KINDS):
        lines += _similarity(config, tables)
    return lines


def _autoencoder(config: dict, tables: dict[str, pd.DataFrame]) -> list[str]:
    lines = ["### Autoencoders: learning by copying", ""]
    made = plan.autoencoder_figures(config)
    if not made:
        reasons = "; ".join(f"{s}: {why}" for s, why in plan.autoencoder_missing(config).items()) or "no figure enabled"
        return [*lines, f"Left out ({reasons}).", "", f"- {UNET_LEFT_OUT}", ""]
    history = tables.get("autoencoder_history")
    lines.append(f"Data: {plan.describe_autoencoder_data(config)}; hidden widths {config['autoencoder']['widths']}.")
    if history is not None and len(history):
        last = history.iloc[-1]
        test = f", held-out {last['test_loss']:.4g}" if "test_loss" in history else ""
        lines.append(f"Training: {int(last['epoch'])} epochs, final MSE {last['loss']:.4g} (training){test}.")
    lines.append("")
    for name in made:
        kind, table = config["figures"][name]["kind"], tables.get(name)
        if table is None:
            continue
        lines += {"autoencoder_denoising": _denoising, "autoencoder_layers": _layers, "autoencoder_walk": _walk}[kind](name, table)
    lines += [f"- {UNET_LEFT_OUT}", ""]
    return lines


def _denoising(name: str, table: pd.DataFrame) -> list[str]:
    rows = table.set_index(["noise", "model", "sigma"])
    trained = table[table.model == "trained"]
    clean = trained[trained.noise == "none"].output_distance
    clean = clean.iloc[0] if len(clean) else math.nan
    largest = trained[trained.noise != "none"].sort_values("sigma").groupby("noise", sort=False).last()
    changes = "; ".join(f"a~ = {noise} at sigma {r.sigma:g}: {r.change:.3g}" for noise, r in largest.iterrows())
    copies = bool((trained.change < 1e-6 * (1 + trained.input_distance)).all())
    lines = [
        f"- Does not memorise ({name}; the post: a model that learned the identity would give a corrupted input back): the "
        f"trained autoencoder's output differs from its input, mean ||O(a~) - a~|| {changes} (the identity: 0); on clean "
        f"held-out images ||O(a) - a|| = {clean:.3g}; {_verdict(not copies)}."
    ]
    for label, series in table[(table.noise != "none") & (table.model == "trained")].groupby("noise", sort=False):
        series = series.sort_values("sigma", ascending=False)
        better = [r.output_distance < r.input_distance for r in series.itertuples()]
        agrees = True if all(better) else False if not any(better) else None
        details = "; ".join(
            f"sigma {r.sigma:g}: {r.output_distance:.3g} vs {r.input_distance:.3g} (closer for {r.closer:.0%} of the images; "
            f"untrained {rows.loc[(label, 'untrained', r.sigma), 'output_distance']:.3g})"
            for r in series.itertuples()
            if (label, "untrained", r.sigma) in rows.index
        )
        lines.append(
            f"- Denoises without being taught ({name}; the post: ||O(a~) - a|| < ||a~ - a||), a~ = {label}: mean ||O(a~) - a|| "
            f"of the trained autoencoder against ||a~ - a|| (the identity): {details}; {_verdict(agrees)}."
        )
    return lines


def _layers(name: str, table: pd.DataFrame) -> list[str]:
    final = _final(table)
    parts = []
    for model, rows in final.groupby("model", sort=False):
        values = ", ".join(f"{r.layer} {r.m_g:.3g}/{r.m_s:.3g}/{r.m_i:.3g}" for r in rows.itertuples())
        parts.append(f"{model}: {values}")
    good = final[final.model == "trained"]
    non_unique = int(((good.m_g < good.m_s) & (good.m_i > good.shift_distance)).sum())
    return [
        f"- Layers not invertible in practice ({name}; m_g/m_s/m_i per layer): {'; '.join(parts)}. In {non_unique} of the "
        f"trained autoencoder's {len(good)} layers the inversion matches the embedding better than the shift a' does "
        f"(m_g < m_s) with an input farther from a than a' is (m_i > ||a - a'|| = {final.shift_distance.iloc[0]:.3g}): "
        f"{_verdict(True if non_unique == len(good) else False if non_unique == 0 else None)} with the post's explanation.",
    ]


def _final(table: pd.DataFrame) -> pd.DataFrame:
    return table[table.iteration == table.iterations]


def _walk(name: str, table: pd.DataFrame) -> list[str]:
    mean = table.groupby(["model", "step"]).distance.mean()
    parts = []
    for model in table.model.unique():
        steps = mean[model]
        parts.append(f"{model}: {steps.iloc[0]:.3g} at step 1, {steps.iloc[-1]:.3g} at step {int(steps.index[-1])}")
    trained = mean.get("trained")
    settles = bool(trained is not None and trained.iloc[-1] < trained.iloc[0])
    return [
        f"- Manifold walk ({name}; the post generates images by iterating the autoencoder from noise): the mean distance "
        f"between successive iterates ||a_k - a_(k-1)||, {'; '.join(parts)}. The trained autoencoder's walk "
        f"{'slows down as it goes' if settles else 'does not slow down'}; whether its iterates look like images is what "
        "the figure shows (the post's claim is visual).",
    ]


def _similarity(config: dict, tables: dict[str, pd.DataFrame]) -> list[str]:
    lines = ["### Input Generation III: model similarity", ""]
    settings = config.get("model_similarity") or {}
    models = " and ".join(settings.get("models", []))
    for name, spec in config["figures"].items():
        if spec["kind"] in plan.SIMILARITY_KINDS:
            reason = plan.figure_status(config, name)
            missing = plan.missing_states(config, name)
            if reason:
                lines.append(f"- {name}: left out ({reason}).")
            elif missing:
                lines.append(
                    f"- {name}: made with {', '.join(plan.available(config, name))} models only; left out: "
                    + "; ".join(f"{s} ({why})" for s, why in missing.items())
                    + ". The post's claims are about ImageNet-trained models: the numbers below test the code, not the claims."
                )
    for state in plan.similarity_states(config):
        trained = state != "untrained"  # the post's claims are about trained models: no verdict on untrained ones
        classes, mimicry, merging = (tables.get(f"{state}/{part}") for part in ("classes", "mimicry", "merging"))
        if classes is not None:
            pivot = classes.pivot(index="class", columns="kind", values=["logit1", "logit2"])
            text = "; ".join(
                f"class {c}: combined {pivot.loc[c, ('logit1', 'combined')]:.3g}/{pivot.loc[c, ('logit2', 'combined')]:.3g}, "
                f"difference {pivot.loc[c, ('logit1', 'difference')]:.3g}/{pivot.loc[c, ('logit2', 'difference')]:.3g}"
                for c in pivot.index
            )
            lines.append(f"- {state} {models}, class logits (model 1/model 2) on the combined and difference images: {text}.")
        if mimicry is not None:
            text = "; ".join(f"{r.source}: {r.distance_start:.3g} -> {r.distance:.3g}" for r in mimicry.itertuples())
            fell = bool((mimicry.distance < mimicry.distance_start).all())
            verdict = (
                f"{_verdict(fell)} as far as the distance tells (the post's claim is that the image looks like model 2's)"
                if trained
                else "no verdict (untrained models)"
            )
            lines.append(
                f"- {state}, mimicry by output vector (the post: model 1 reproduces model 2's representation from y^ alone): "
                f"||O(a, theta_1) - y^|| from a_0 to the end: {text}; the distance fell {'for every source' if fell else 'not for every source'}; {verdict}."
            )
        if merging is not None and len(merging):
            first = merging.iloc[0]
            verdict = f"the fall {_verdict(bool(first.ratio > 1))}" if trained else "no verdict (untrained models)"
            lines.append(
                f"- {state}, merging by training (the post: the sum of squares falls about 15 times for class 0, yet model 1's "
                f"representation after does not look like model 2's): {first.before:.4g} before, {first.after:.4g} after "
                f"{int(merging.step.max())} SGD steps, {first.ratio:.3g} times smaller (the post: ~15); {verdict}."
            )
    lines.append("")
    return lines
