#!/usr/bin/env python3
"""Reference fixtures for LeadLedgerDecisionsTests.

Trains small models with the real libraries (XGBoost, LightGBM, scikit-learn)
on seeded synthetic data and writes, into the directory given as argv[1]:
  xgb_binary.json, xgb_reg.json          Booster.save_model output
  lgb_binary.json, lgb_reg.json,
  lgb_zero.json, lgb_nomissing.json,
  lgb_cat.json                           json.dumps(Booster.dump_model())
  cases.json                             test matrices, the libraries' own
                                         predictions and SHAP contributions,
                                         scikit-learn references
NaN is written as null. Everything is deterministic (fixed seeds, one thread).
"""
import json
import os
import sys

import numpy as np
import lightgbm as lgb
import xgboost as xgb
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261125)
NAMES = ["seniority", "employees_log", "page_views", "email_clicks", "intent", "days_since_touch"]
D = len(NAMES)


def make(n, missing=0.0, zeros=0.0):
    X = rng.normal(size=(n, D))
    X[:, 0] = rng.integers(0, 5, size=n)            # ordinal, with ties
    X[:, 2] = rng.poisson(3, size=n)                 # counts, exact zeros
    logit = 0.9 * X[:, 0] - 1.5 + 0.7 * X[:, 1] + 0.3 * X[:, 2] - 0.5 * X[:, 3] ** 2 + 1.2 * np.tanh(X[:, 4])
    y_bin = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    y_reg = logit + rng.normal(scale=0.3, size=n)
    if zeros:
        X[rng.random(X.shape) < zeros] = 0.0
    if missing:
        X[rng.random(X.shape) < missing] = np.nan
    return X, y_bin, y_reg


def rows(a):
    return [[None if np.isnan(v) else float(v) for v in r] for r in np.asarray(a, dtype=float)]


def vec(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


Xtr, ytr, rtr = make(2000, missing=0.1, zeros=0.05)
Xte, _, _ = make(300, missing=0.15, zeros=0.05)
cases = {"features": NAMES}

# --- XGBoost -------------------------------------------------------------
def xgb_model(objective, y, name):
    dtr = xgb.DMatrix(Xtr, label=y, feature_names=NAMES, missing=np.nan)
    params = {"objective": objective, "max_depth": 4, "eta": 0.3, "nthread": 1, "seed": 1,
              "min_child_weight": 1.0}
    bst = xgb.train(params, dtr, num_boost_round=30)
    bst.save_model(os.path.join(out, name + ".json"))
    model = json.load(open(os.path.join(out, name + ".json")))
    # Rows whose values sit exactly on split thresholds (checks '<' semantics and float32 rounding).
    edge = []
    for tree in model["learner"]["gradient_booster"]["model"]["trees"][:10]:
        for n, l in enumerate(tree["left_children"]):
            if l != -1:
                r = np.array(Xte[len(edge) % len(Xte)])
                r[tree["split_indices"][n]] = tree["split_conditions"][n]
                edge.append(r)
    X = np.vstack([Xte, np.array(edge)])
    dte = xgb.DMatrix(X, feature_names=NAMES, missing=np.nan)
    cases[name] = {
        "X": rows(X),
        "margin": vec(bst.predict(dte, output_margin=True)),
        "prediction": vec(bst.predict(dte)),
        "contribs": [vec(r) for r in bst.predict(dte, pred_contribs=True)],
    }

xgb_model("binary:logistic", ytr, "xgb_binary")
xgb_model("reg:squarederror", rtr, "xgb_reg")

# --- LightGBM ------------------------------------------------------------
def lgb_model(objective, y, name, extra=None, X=Xtr, Xt=Xte, cat=None):
    params = {"objective": objective, "num_leaves": 15, "learning_rate": 0.2, "min_data_in_leaf": 10,
              "verbose": -1, "num_threads": 1, "deterministic": True, "seed": 1}
    params.update(extra or {})
    ds = lgb.Dataset(X, label=y, feature_name=NAMES, categorical_feature=cat or "auto", free_raw_data=False)
    bst = lgb.train(params, ds, num_boost_round=30)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(bst.dump_model(), f)
    dump = bst.dump_model()
    edge = []

    def walk(node):
        if "split_feature" in node and isinstance(node["threshold"], float) and len(edge) < 40:
            r = np.array(Xt[len(edge) % len(Xt)])
            r[node["split_feature"]] = node["threshold"]
            edge.append(r)
            walk(node["left_child"]); walk(node["right_child"])
    for t in dump["tree_info"][:5]:
        walk(t["tree_structure"])
    XX = np.vstack([Xt, np.array(edge)]) if edge else Xt
    cases[name] = {
        "X": rows(XX),
        "margin": vec(bst.predict(XX, raw_score=True)),
        "prediction": vec(bst.predict(XX)),
        "contribs": [vec(r) for r in bst.predict(XX, pred_contrib=True)],
    }

lgb_model("binary", ytr, "lgb_binary")
lgb_model("regression", rtr, "lgb_reg")
lgb_model("binary", ytr, "lgb_zero", {"zero_as_missing": True})
lgb_model("binary", ytr, "lgb_nomissing", {"use_missing": False})
Xc, Xct = Xtr.copy(), Xte.copy()
for A in (Xc, Xct):
    col = A[:, 0]
    col[~np.isnan(col)] = np.abs(col[~np.isnan(col)]).astype(int)  # categories 0..4 (NaN stays missing)
lgb_model("binary", ytr, "lgb_cat", {"max_cat_to_onehot": 8, "cat_smooth": 1, "min_data_per_group": 5},
          X=Xc, Xt=Xct, cat=[0])

# --- Logistic regression vs scikit-learn ------------------------------------
n = 3000
Z = rng.normal(size=(n, 5)) * np.array([1.0, 3.0, 0.5, 10.0, 1.0]) + np.array([0, 5, -1, 50, 0])
true_w = np.array([0.8, -0.3, 1.5, 0.05, 0.0])
p = 1 / (1 + np.exp(-(Z - Z.mean(0)) @ true_w + 0.4))
y = (rng.random(n) < p).astype(float)
cut = 2400
mean = Z[:cut].mean(0)
std = Z[:cut].std(0)
C = 0.5
clf = LogisticRegression(C=C, solver="lbfgs", tol=1e-12, max_iter=100000)
clf.fit((Z[:cut] - mean) / std, y[:cut])
hold_p = clf.predict_proba((Z[cut:] - mean) / std)[:, 1]
cases["logreg"] = {
    "X": rows(Z), "y": vec(y), "cut": cut, "C": C,
    "coef": vec(clf.coef_), "intercept": float(clf.intercept_[0]),
    "holdout_auc": float(roc_auc_score(y[cut:], hold_p)),
    "holdout_prob": vec(hold_p),
}

# --- ROC AUC with ties, isotonic regression ----------------------------------
s = np.round(rng.random(500), 1)
lab = (rng.random(500) < s).astype(float)
iso = IsotonicRegression(out_of_bounds="clip").fit(s, lab)
grid = np.linspace(-0.1, 1.1, 61)
cases["auc_ties"] = {"scores": vec(s), "labels": vec(lab), "auc": float(roc_auc_score(lab, s))}
cases["isotonic"] = {"scores": vec(s), "labels": vec(lab), "grid": vec(grid), "predicted": vec(iso.predict(grid))}
cases["versions"] = {"xgboost": xgb.__version__, "lightgbm": lgb.__version__, "numpy": np.__version__}

with open(os.path.join(out, "cases.json"), "w") as f:
    json.dump(cases, f)
print("fixtures written to", out)
