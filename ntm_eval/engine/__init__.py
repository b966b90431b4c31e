"""Judging: results, the evaluator, the column-wise lane, the pipeline, views."""
