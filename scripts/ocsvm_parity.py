#!/usr/bin/python3
"""OC-SVM parity: geomad's OneClassSvm against scikit-learn's OneClassSVM on Fashion-MNIST.

Same data (Debian dataset-fashion-mnist, one-vs-rest: all training images of the normal class;
the whole test split, or the seeded stratified subset of --test-size images that geomad's loader
picks, read back from the driver; 28 -> 32 zero padding, then 2 * (x / 255) - 1, so the pad is
-1), same nu, gamma, tol (1e-3) and shrinking. For each nu:gamma pair it runs geomad's driver
(scripts/ocsvm_parity_driver.ts) and then scikit-learn, one after the other, and compares:
AUROC (normal = positive, decision value as score), support-vector count, support sets, rho,
max |decision difference|, and fit / score times.

Acceptance (issue 4): |AUROC difference| < 0.002 and SV counts within 1%. Exit 1 otherwise.

    /usr/bin/python3 scripts/ocsvm_parity.py --class 0 --configs 0.1:scale \
        --out results/parity/ocsvm_class0.json
"""
import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:  # checked after the flags are parsed, so that --help works without them
    import numpy as np
    import sklearn
    from sklearn.metrics import roc_auc_score
    from sklearn.svm import OneClassSVM
    MISSING = None
except ImportError as err:
    MISSING = err

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASHION = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def preprocess(images):
    x = np.pad(images.astype(np.float64), ((0, 0), (2, 2), (2, 2)))  # zero pad 28 -> 32
    return (2 * (x / 255) - 1).astype(np.float32).reshape(len(images), -1)


def load(normal_class):
    """All training images of the class (file order) and the whole test split."""
    tri = read_idx(f"{FASHION}/train-images-idx3-ubyte.gz")
    trl = read_idx(f"{FASHION}/train-labels-idx1-ubyte.gz")
    tei = read_idx(f"{FASHION}/t10k-images-idx3-ubyte.gz")
    tel = read_idx(f"{FASHION}/t10k-labels-idx1-ubyte.gz")
    return preprocess(tri[trl == normal_class]), preprocess(tei), (tel == normal_class).astype(int)


def parse_gamma(s):
    return s if s in ("scale", "auto") else float(s)


def deno_exe():
    exe = shutil.which("deno")
    if not exe:
        sys.exit("ocsvm_parity: error: deno is not on PATH")
    return exe


def run_geomad(normal_class, nu, gamma, test_size, shrinking, tmpdir):
    out = os.path.join(tmpdir, "geomad.json")
    cmd = [deno_exe(), "run", "--allow-read", f"--allow-write={tmpdir}", "--allow-env",
           "scripts/ocsvm_parity_driver.ts", "--class", str(normal_class), "--nu", str(nu),
           "--gamma", str(gamma), "--test-size", str(test_size),
           "--shrinking", "true" if shrinking else "false", "--out", out]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"ocsvm_parity: error: geomad driver failed: {proc.stderr.strip()[-500:]}")
    with open(out) as f:
        res = json.load(f)
    res["processSeconds"] = wall
    return res


def run_sklearn(train, test, nu, gamma, shrinking):
    m = OneClassSVM(kernel="rbf", nu=nu, gamma=gamma, tol=1e-3, shrinking=shrinking)
    x = train.astype(np.float64)
    t = time.perf_counter()
    m.fit(x)
    fit_s = time.perf_counter() - t
    t = time.perf_counter()
    dec = m.decision_function(test.astype(np.float64))
    score_s = time.perf_counter() - t
    return m, dec, fit_s, score_s


def compare(args, train, test_all, labels_all, nu, gamma, tmpdir):
    load_before = os.getloadavg()
    g = run_geomad(args.normal_class, nu, gamma, args.test_size, not args.no_shrinking, tmpdir)
    # geomad's loader picks the test images (all, or a seeded stratified subset): use the same.
    idx = np.asarray(g["testIndices"], dtype=np.int64)
    test, labels = test_all[idx], labels_all[idx]
    m, dec_sk, fit_sk, score_sk = run_sklearn(train, test, nu, gamma, not args.no_shrinking)
    load_after = os.getloadavg()
    dec_g = np.asarray(g["decision"])
    auc_g = roc_auc_score(labels, dec_g)
    auc_sk = roc_auc_score(labels, dec_sk)
    nsv_sk = int(len(m.support_))
    sv_g, sv_sk = set(g["support"]), set(int(i) for i in m.support_)
    diff = np.abs(dec_g - dec_sk)
    return {
        "nu": nu,
        "gamma": gamma,
        "gammaResolved": float(m._gamma),
        "geomadGammaResolved": g["gamma"],
        "aurocGeomad": auc_g,
        "aurocSklearn": auc_sk,
        "aurocAbsDiff": abs(auc_g - auc_sk),
        "nSVGeomad": g["nSV"],
        "nSVSklearn": nsv_sk,
        "nSVRelDiff": abs(g["nSV"] - nsv_sk) / nsv_sk,
        "supportSymmetricDifference": len(sv_g ^ sv_sk),
        "rhoGeomad": g["rho"],
        "rhoSklearn": float(-m.intercept_[0]),
        "maxAbsDecisionDiff": float(diff.max()),
        "meanAbsDecisionDiff": float(diff.mean()),
        "decisionStdSklearn": float(dec_sk.std()),
        "spearmanOfDecisions": float(np.corrcoef(np.argsort(np.argsort(dec_g)),
                                                 np.argsort(np.argsort(dec_sk)))[0, 1]),
        "fitSecondsGeomad": g["fitSeconds"],
        "solveSecondsGeomad": g["solveSeconds"],
        "scoreSecondsGeomad": g["scoreSeconds"],
        "iterationsGeomad": g["iterations"],
        "fitSecondsSklearn": fit_sk,
        "scoreSecondsSklearn": score_sk,
        "testSize": int(len(idx)),
        "geomadBackend": g["backend"],
        "geomadDataSource": g["dataSource"],
        "loadAvgBefore": list(load_before),
        "loadAvgAfter": list(load_after),
    }


def main():
    p = argparse.ArgumentParser(
        prog="deno task parity:ocsvm", description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--class", dest="normal_class", type=int, default=0,
                   help="normal class, integer 0..9, e.g. --class 3")
    p.add_argument("--configs", default="0.1:scale",
                   help="comma-separated nu:gamma pairs, e.g. --configs 0.1:scale,0.5:0.0625")
    p.add_argument("--test-size", type=int, default=10000,
                   help="test images (seeded stratified subset), integer, e.g. --test-size 2000")
    p.add_argument("--no-shrinking", action="store_true",
                   help="turn off the shrinking heuristic in both SVMs, e.g. --no-shrinking")
    p.add_argument("--out", default="results/parity/ocsvm.json",
                   help="JSON report path, e.g. --out results/parity/c3.json")
    p.add_argument("--sklearn-only", action="store_true",
                   help="time scikit-learn alone on the first config and the first --test-size "
                        "test images; print one JSON line (used by bench/ocsvm.ts), "
                        "e.g. --sklearn-only")
    args = p.parse_args()
    if MISSING is not None:
        sys.exit(f"parity:ocsvm: error: needs numpy and scikit-learn "
                 f"(apt-get install python3-sklearn): {MISSING}")
    if not 0 <= args.normal_class <= 9:
        p.error("--class must be 0..9")
    try:
        configs = [(float(c.split(":")[0]), parse_gamma(c.split(":")[1]))
                   for c in args.configs.split(",")]
    except (IndexError, ValueError):
        p.error(f"--configs must be nu:gamma pairs, got '{args.configs}'")
    train, test, labels = load(args.normal_class)
    if args.sklearn_only:
        test, labels = test[:args.test_size], labels[:args.test_size]
        nu, gamma = configs[0]
        m, dec, fit_s, score_s = run_sklearn(train, test, nu, gamma, not args.no_shrinking)
        print(json.dumps({"sklearn": sklearn.__version__, "nu": nu, "gamma": gamma,
                          "gammaResolved": float(m._gamma), "trainSize": int(len(train)),
                          "testSize": int(len(test)), "fitSeconds": fit_s,
                          "scoreSeconds": score_s, "nSV": int(len(m.support_)),
                          "aurocTest": roc_auc_score(labels, dec)}))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="ocsvm_parity_") as tmpdir:
        for nu, gamma in configs:
            r = compare(args, train, test, labels, nu, gamma, tmpdir)
            rows.append(r)
            print(f"nu {nu} gamma {gamma} ({r['gammaResolved']:.6g}): "
                  f"AUROC geomad {r['aurocGeomad']:.5f} sklearn {r['aurocSklearn']:.5f} "
                  f"|diff| {r['aurocAbsDiff']:.2e}; nSV {r['nSVGeomad']} vs {r['nSVSklearn']} "
                  f"(sym diff {r['supportSymmetricDifference']}); "
                  f"max|dec diff| {r['maxAbsDecisionDiff']:.2e} (dec sd {r['decisionStdSklearn']:.3g}); "
                  f"fit {r['fitSecondsGeomad']:.2f}s vs {r['fitSecondsSklearn']:.2f}s; "
                  f"score {r['scoreSecondsGeomad']:.2f}s vs {r['scoreSecondsSklearn']:.2f}s; "
                  f"load {r['loadAvgBefore'][0]:.1f}->{r['loadAvgAfter'][0]:.1f}", flush=True)
    ok = all(r["aurocAbsDiff"] < 0.002 and r["nSVRelDiff"] <= 0.01 for r in rows)
    out = {
        "check": "ocsvm-parity",
        "accepted": ok,
        "criteria": {"aurocAbsDiff": "< 0.002", "nSVRelDiff": "<= 0.01"},
        "dataset": "fashion-mnist",
        "normalClass": args.normal_class,
        "trainSize": int(len(train)),
        "testSizeRequested": args.test_size,
        "tol": 1e-3,
        "shrinking": not args.no_shrinking,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "cpuCount": os.cpu_count(),
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "rows": rows,
    }
    path = os.path.join(ROOT, args.out) if not os.path.isabs(args.out) else args.out
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".ocsvm_parity.", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    print(f"{'ACCEPTED' if ok else 'FAILED'}: wrote {os.path.relpath(path, ROOT)}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
