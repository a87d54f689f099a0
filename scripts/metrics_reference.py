#!/usr/bin/python3
"""Reference numbers for lib/metrics, computed independently with scikit-learn.

Writes lib/metrics/testdata/reference.json (the committed fixture that
lib/metrics/*_test.ts compare against). Run with Debian's python (it has
python3-sklearn):

    /usr/bin/python3 scripts/metrics_reference.py [OUT]
    deno fmt lib/metrics/testdata/reference.json

Each case holds scores, labels, the positive label and what sklearn returns:
roc_auc_score, average_precision_score, roc_curve (drop_intermediate=False),
precision_recall_curve and auc(recall, precision) (the trapezoidal PR area the
official GEOM code reports as "AUPR"). Cases flagged `anomaly_scores` also hold
the `evaluate` block: scores are anomaly scores (higher = more anomalous) and
labels are is-normal (normal = 1), as in geomad; FPR at 95% TPR is the FPR of
the first ROC point (normal positive, scores negated) whose TPR >= 0.95.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.metrics import (auc, average_precision_score,
                             precision_recall_curve, roc_auc_score, roc_curve)


def as_list(a):
    return [float(x) for x in np.asarray(a, dtype=np.float64)]


def case(name, scores, labels, positive=1, anomaly_scores=False, curves=True):
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels)
    y = labels == positive
    fpr, tpr, roc_thr = roc_curve(labels, scores, pos_label=positive, drop_intermediate=False)
    prec, rec, pr_thr = precision_recall_curve(labels, scores, pos_label=positive)
    out = {
        "name": name,
        "scores": as_list(scores),
        "labels": [int(v) for v in labels],
        "positive": positive,
        "auroc": float(roc_auc_score(y, scores)),
        "averagePrecision": float(average_precision_score(labels, scores, pos_label=positive)),
        "prAuc": float(auc(rec, prec)),
    # sklearn 1.2 prepends threshold max+1 (>= 1.3: inf); geomad uses Infinity, so the
    # fixture leaves the first threshold out. Large cases keep only the scalars.
    }
    if curves:
        out["roc"] = {"fpr": as_list(fpr), "tpr": as_list(tpr), "thresholds": as_list(roc_thr[1:])}
        out["pr"] = {"precision": as_list(prec), "recall": as_list(rec), "thresholds": as_list(pr_thr)}
    if anomaly_scores:
        is_normal = labels == 1
        normality = -scores
        nfpr, ntpr, _ = roc_curve(is_normal, normality, drop_intermediate=False)
        p_n, r_n, _ = precision_recall_curve(is_normal, normality)
        p_a, r_a, _ = precision_recall_curve(is_normal, scores, pos_label=False)
        out["evaluate"] = {
            "auroc": float(roc_auc_score(is_normal, normality)),
            "auprNormal": float(auc(r_n, p_n)),
            "auprAnomaly": float(auc(r_a, p_a)),
            "apNormal": float(average_precision_score(is_normal, normality)),
            "apAnomaly": float(average_precision_score(~is_normal, scores)),
            "fpr95": float(nfpr[np.argmax(ntpr >= 0.95)]),
        }
    return out


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "lib", "metrics", "testdata", "reference.json")
    rng = np.random.default_rng(20180524)
    cases = []
    # sklearn's docstring example.
    cases.append(case("docstring", [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]))
    # Continuous scores, balanced classes, positives shifted up.
    n = 200
    lab = rng.integers(0, 2, n)
    cases.append(case("continuous-balanced", rng.normal(size=n) + 0.8 * lab, lab))
    # Heavy ties: scores rounded to one decimal, 10% positives.
    n = 500
    lab = (rng.random(n) < 0.1).astype(int)
    cases.append(case("ties-rounded-imbalanced", np.round(rng.random(n) + 0.3 * lab, 1), lab))
    # Integer scores 0..4 (massive ties), anomaly-score convention (normal = 1).
    n = 300
    lab = rng.integers(0, 2, n)
    sc = np.clip(rng.integers(0, 5, n) - lab, 0, 4)  # normals get lower anomaly scores
    cases.append(case("integers-0-4", sc, lab, anomaly_scores=True))
    # All scores equal: one threshold only.
    cases.append(case("all-tied", np.full(40, 3.0), [1, 0, 0, 1] * 10))
    # Positive label 0.
    n = 150
    lab = rng.integers(0, 2, n)
    cases.append(case("positive-0", np.round(rng.normal(size=n) - 0.5 * lab, 2), lab, positive=0))
    # Anomaly-detection-like: 10% normal (label 1), 90% anomalies, anomaly scores with ties.
    n = 2000
    lab = (rng.random(n) < 0.1).astype(int)
    sc = np.round(rng.normal(size=n) - 1.5 * lab, 1)
    cases.append(case("anomaly-like-ties", sc, lab, anomaly_scores=True))
    # Anomaly-detection-like, continuous, other labels in {0, 1}.
    n = 1000
    lab = (rng.random(n) < 0.2).astype(int)
    sc = rng.standard_t(3, size=n) - 2.0 * lab
    cases.append(case("anomaly-like-continuous", sc, lab, anomaly_scores=True, curves=False))
    # Anomaly scores that separate perfectly (normals lowest) and perfectly wrongly.
    cases.append(case("perfect", [0.1, 0.2, 0.3, 0.7, 0.8], [1, 1, 1, 0, 0], anomaly_scores=True))
    cases.append(case("reversed", [0.1, 0.2, 0.7, 0.8], [0, 0, 1, 1], anomaly_scores=True))
    doc = {
        "generator": "scripts/metrics_reference.py",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "cases": cases,
    }
    with open(out_path + ".tmp", "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(out_path + ".tmp", out_path)
    print(f"wrote {len(cases)} cases to {out_path}")


if __name__ == "__main__":
    main()
