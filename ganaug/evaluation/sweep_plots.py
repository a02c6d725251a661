"""A sweep report's plots, from its rows (`ganaug.evaluation.sweep_report.build_rows`, each named by its `label`):
accuracy against the fake ratio, the validation curves, and accuracy against the real digits per class; each
written atomically as a PNG."""
from __future__ import annotations

from pathlib import Path

from ganaug.utils.files import atomic_write


def plot(rows: list[dict], out: Path) -> None:
    """accuracy_vs_ratio.png (CI band per GAN experiment, real-only and classic as lines) and curves.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for kind in sorted({(r["experiment"], r["fakes"], r["swept"]) for r in rows if r["fakes"]}):
        series = sorted((r for r in rows if (r["experiment"], r["fakes"], r["swept"]) == kind), key=lambda r: r["ratio"])
        x = [r["ratio"] for r in series]
        ax.plot(x, [100 * r["test_mean"] for r in series], marker="o", label=" ".join(kind).strip())
        if all(r["n"] > 1 for r in series):
            ax.fill_between(x, [100 * r["summary"].low for r in series], [100 * r["summary"].high for r in series], alpha=0.2)
    for r in rows:
        if not r["fakes"]:
            ax.axhline(100 * r["test_mean"], linestyle="--", color="gray" if r["experiment"] == "baseline" else "black")
            ax.annotate(r["label"], (0, 100 * r["test_mean"]), xycoords=("axes fraction", "data"), fontsize=7)
    ax.set(xlabel="fakes per real image (augment.ratio)", ylabel="held-out test accuracy %")
    save_figure(fig, ax, out / "accuracy_vs_ratio.png", legend_size=8)

    fig, ax = plt.subplots(figsize=(6, 4))
    for r in rows:
        epochs, accs = zip(*r["curve"]) if r["curve"] else ((), ())
        ax.plot(epochs, [100 * a for a in accs], label=r["label"])
    ax.set(xlabel="epoch", ylabel="validation accuracy %")
    save_figure(fig, ax, out / "curves.png", legend_size=7)


def plot_curve(rows: list[dict], out: Path) -> None:
    """learning_curve.png: held-out accuracy against real digits per class, one line (95 % band) per configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for kind in sorted({(r["experiment"], r["fakes"], r["swept"]) for r in rows}):
        series = sorted((r for r in rows if (r["experiment"], r["fakes"], r["swept"]) == kind and r["n_per_class"]),
                        key=lambda r: r["n_per_class"])
        if not series:
            continue
        x = [r["n_per_class"] for r in series]
        ax.plot(x, [100 * r["test_mean"] for r in series], marker="o", label=" ".join(kind).strip())
        if all(r["n"] > 1 for r in series):
            ax.fill_between(x, [100 * r["summary"].low for r in series], [100 * r["summary"].high for r in series], alpha=0.2)
    ax.set(xlabel="real training digits per class (data.n_per_class)", ylabel="held-out test accuracy %")
    save_figure(fig, ax, out / "learning_curve.png", legend_size=8)


def save_figure(fig, ax, path: Path, legend_size: int) -> None:
    """A legend when the axes name something, then the figure written atomically as a PNG and closed."""
    import matplotlib.pyplot as plt

    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=legend_size)
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
    plt.close(fig)
