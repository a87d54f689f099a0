#!/usr/bin/python3
"""Writes sklearn_ocsvm.json: scikit-learn OneClassSVM results on small seeded random data.

Run with Debian's python3 (python3-sklearn):
    /usr/bin/python3 lib/svm/testdata/make_sklearn_fixture.py
The inputs are rounded to float32 so geomad sees exactly the same numbers.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.svm import OneClassSVM

rng = np.random.RandomState(20180523)
# Two blobs plus a few far points, 5 features.
train = np.concatenate([
    rng.normal(0.0, 1.0, size=(50, 5)),
    rng.normal(3.0, 0.5, size=(25, 5)),
    rng.uniform(-6, 6, size=(5, 5)),
]).astype(np.float32)
test = rng.uniform(-5, 6, size=(40, 5)).astype(np.float32)

configs = [
    {"nu": 0.1, "gamma": "scale"},
    {"nu": 0.5, "gamma": "auto"},
    {"nu": 0.25, "gamma": 0.05},
    {"nu": 0.9, "gamma": 2.0},
    {"nu": 0.75, "gamma": 0.3},
    {"nu": 0.1, "gamma": "scale", "shrinking": False},
]
cases = []
for cfg in configs:
    m = OneClassSVM(kernel="rbf", nu=cfg["nu"], gamma=cfg["gamma"], tol=1e-3,
                    shrinking=cfg.get("shrinking", True))
    m.fit(train.astype(np.float64))
    cases.append({
        "nu": cfg["nu"],
        "gamma": cfg["gamma"],
        "shrinking": cfg.get("shrinking", True),
        "gammaResolved": float(m._gamma),
        "rho": float(-m.intercept_[0]),
        "support": [int(i) for i in m.support_],
        "dualCoef": [float(v) for v in m.dual_coef_[0]],
        "trainDecision": [float(v) for v in m.decision_function(train.astype(np.float64))],
        "testDecision": [float(v) for v in m.decision_function(test.astype(np.float64))],
    })

out = {
    "generator": "lib/svm/testdata/make_sklearn_fixture.py",
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "cols": 5,
    "train": [float(v) for v in train.ravel()],
    "test": [float(v) for v in test.ravel()],
    "cases": cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sklearn_ocsvm.json")
with open(path + ".tmp", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
os.replace(path + ".tmp", path)
print(f"wrote {path}: {len(cases)} cases")
