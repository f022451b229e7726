#!/usr/bin/env python3
"""Tree models over the Decider's feature catalogue, and the libraries' own
explanations of rows the Decider wrote into audit records.

  decider_trees.py train OUT_DIR NAMES_JSON
      Trains a small XGBoost (binary:logistic) and a small LightGBM (binary)
      model on seeded synthetic rows over the feature names in NAMES_JSON (a
      JSON list, the catalogue order) and writes OUT_DIR/xgb.json
      (Booster.save_model), OUT_DIR/lgb.json (json.dumps(dump_model()), what
      LeadLedger loads) and OUT_DIR/lgb.txt (the same model in LightGBM's
      text format, which LightGBM itself can load back for `explain`).

  decider_trees.py explain KIND MODEL ROWS_JSON
      KIND is xgb (MODEL: xgb.json) or lgb (MODEL: lgb.txt). ROWS_JSON is a JSON list of rows (null = missing).
      Prints one JSON object: "margin" (raw margin per row), "shap" (exact
      TreeSHAP per row: one value per feature, then the bias) and, for xgb,
      "saabas" (XGBoost's approx_contribs path attribution, same layout).

Deterministic: fixed seeds, one thread.
"""
import json
import sys

import numpy as np


def synthetic(names, n, rng):
    d = len(names)
    X = np.where(rng.random((n, d)) < 0.35, rng.integers(0, 6, size=(n, d)).astype(float), 0.0)
    # Continuous, fractional values where the catalogue has decayed counts.
    X += np.where(rng.random((n, d)) < 0.3, rng.random((n, d)) * 3.0, 0.0)
    idx = {name: i for i, name in enumerate(names)}
    for name in ("employees_log10", "days_since_engaged"):
        if name in idx:
            col = idx[name]
            X[:, col] = rng.random(n) * (4.5 if name == "employees_log10" else 60.0)
            X[rng.random(n) < 0.2, col] = np.nan
    def col(name):
        return np.nan_to_num(X[:, idx[name]]) if name in idx else np.zeros(n)
    logit = (-2.0 + 0.6 * col("seniority_rank") + 0.8 * col("intent_pricing") + 0.9 * col("intent_demo")
             + 0.3 * col("engagement_decayed") - 1.2 * col("intent_careers") + 0.5 * col("account_engaged_contacts")
             + 0.4 * col("employees_log10") - 0.03 * col("days_since_engaged"))
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    return X, y


def train(out, names):
    import lightgbm as lgb
    import xgboost as xgb
    rng = np.random.default_rng(20261126)
    X, y = synthetic(names, 3000, rng)
    dtrain = xgb.DMatrix(X, label=y, feature_names=names, missing=np.nan)
    bst = xgb.train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.3, "nthread": 1, "seed": 7},
                    dtrain, num_boost_round=25)
    bst.save_model(f"{out}/xgb.json")
    ds = lgb.Dataset(X, label=y, feature_name=names, params={"verbose": -1})
    model = lgb.train({"objective": "binary", "num_leaves": 15, "learning_rate": 0.2, "num_threads": 1,
                       "seed": 7, "deterministic": True, "verbose": -1, "min_data_in_leaf": 20}, ds, num_boost_round=25)
    with open(f"{out}/lgb.json", "w") as f:
        json.dump(model.dump_model(), f)
    model.save_model(f"{out}/lgb.txt")


def explain(kind, model_path, rows_path):
    with open(rows_path) as f:
        rows = json.load(f)
    X = np.array([[np.nan if v is None else float(v) for v in r] for r in rows], dtype=float)
    out = {}
    if kind == "xgb":
        import xgboost as xgb
        bst = xgb.Booster(model_file=model_path)
        bst.set_param({"nthread": 1})
        d = xgb.DMatrix(X, missing=np.nan, feature_names=bst.feature_names)
        out["margin"] = [float(v) for v in bst.predict(d, output_margin=True)]
        out["shap"] = [[float(v) for v in r] for r in bst.predict(d, pred_contribs=True)]
        out["saabas"] = [[float(v) for v in r] for r in bst.predict(d, pred_contribs=True, approx_contribs=True)]
    else:
        import lightgbm as lgb
        bst = lgb.Booster(model_file=model_path)
        out["margin"] = [float(v) for v in bst.predict(X, raw_score=True, num_threads=1)]
        out["shap"] = [[float(v) for v in r] for r in bst.predict(X, pred_contrib=True, num_threads=1)]
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "train":
        with open(sys.argv[3]) as f:
            train(sys.argv[2], json.load(f))
    elif sys.argv[1] == "explain":
        explain(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(f"unknown mode {sys.argv[1]}")
