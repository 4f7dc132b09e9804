"""Pay rules that give a roster its cost (seed 001), in yuan."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rostering.domain.patterns import PatternKind


class PayRules(BaseModel):
    """Daily rates, overtime and holiday premiums.

    Five-on/two-off: daily rate = base / 21.75, overtime per hour = daily rate / 8 x 1.5.
    One-on/one-off: daily rate = base / 15.5, overtime per hour = daily rate / 12 x 1.5.
    Work on a statutory public holiday is paid 3 x the daily rate. Meal time is not
    paid overtime. Personal leave deducts the day's pay; sick leave deducts 40 %.
    """

    model_config = ConfigDict(extra="forbid")

    five_two_days_per_month: float = Field(21.75, gt=0)
    five_two_hours_per_day: float = Field(8.0, gt=0)
    one_one_days_per_month: float = Field(15.5, gt=0)
    one_one_hours_per_day: float = Field(12.0, gt=0)
    overtime_multiplier: float = Field(1.5, ge=1)
    holiday_multiplier: float = Field(3.0, ge=1)
    personal_leave_deduction: float = Field(1.0, ge=0, le=1)
    sick_leave_deduction: float = Field(0.4, ge=0, le=1)
    standby_daily_allowance: float = Field(
        0.0, ge=0, description="Paid per day of standby duty (0: included in base pay)."
    )

    def daily_rate(self, base_pay: float, kind: PatternKind) -> float:
        """Yuan per working day for a monthly base on a pattern."""
        days = (
            self.one_one_days_per_month
            if kind is PatternKind.ONE_ON_ONE_OFF
            else self.five_two_days_per_month
        )
        return base_pay / days

    def contract_hours(self, kind: PatternKind) -> float:
        """Paid hours in a normal working day of the pattern."""
        return (
            self.one_one_hours_per_day
            if kind is PatternKind.ONE_ON_ONE_OFF
            else self.five_two_hours_per_day
        )

    def overtime_hourly(self, base_pay: float, kind: PatternKind) -> float:
        """Yuan per overtime hour: daily rate / contract hours x multiplier."""
        return (
            self.daily_rate(base_pay, kind) / self.contract_hours(kind) * self.overtime_multiplier
        )
