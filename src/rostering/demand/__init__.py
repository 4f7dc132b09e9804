"""Demand stage: forecast input to a per-interval, per-channel demand frame."""

from rostering.demand.frame import DEMAND_COLUMNS, build_demand, interval_grid

__all__ = ["DEMAND_COLUMNS", "build_demand", "interval_grid"]
