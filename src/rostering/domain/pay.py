"""Pay rules that give a roster its cost (seed 001), in yuan."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rostering.domain.agents import LeaveKind
from rostering.domain.patterns import PatternKind


class PayRules(BaseModel):
    """Daily rates, overtime, holiday pay and leave deductions (seed 001).

    Five-on/two-off: daily rate = base / 21.75, overtime per hour = daily rate / 8 x 1.5.
    One-on/one-off: daily rate = base / 15.5, overtime per hour = daily rate / 12 x 1.5.

    Work on a statutory public holiday is paid 3 x the rate for the paid time only,
    meal time excluded ("必须除去人员的用餐时长"): the hourly form, holiday pay =
    multiplier x (daily rate / contract hours) x paid hours, the paid hours being the
    shift's length less its meal and counted up to the contract's normal day (paid
    time beyond it is overtime, 1.5 x). A 09:00-21:00 one-on-one-off shift with a
    60-minute meal is 11 paid hours of a 12-hour day: 3 x 11/12 = 2.75 daily rates;
    a 09:00-18:00 five-two shift with a 60-minute meal is the full 8-hour day, 3
    daily rates. Holiday pay is never below the normal daily rate. Meal time is
    not paid overtime either.

    Statutory holidays are paid days off for five-two staff (21.75 days a month
    include them): a five-two agent off on one is paid the daily rate for it.

    Leave deducts from pay: personal leave the day's pay (1.0 x the daily rate),
    sick leave 40 %, annual leave nothing.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    five_two_days_per_month: float = Field(21.75, gt=0, le=31)
    five_two_hours_per_day: float = Field(8.0, gt=0, le=24)
    one_one_days_per_month: float = Field(15.5, gt=0, le=31)
    one_one_hours_per_day: float = Field(12.0, gt=0, le=24)
    overtime_multiplier: float = Field(1.5, ge=1, le=10)
    holiday_multiplier: float = Field(3.0, ge=1, le=10)
    personal_leave_deduction: float = Field(1.0, ge=0, le=1)
    sick_leave_deduction: float = Field(0.4, ge=0, le=1)
    standby_daily_allowance: float = Field(
        0.0, ge=0, le=100_000, description="Paid per day of standby duty (0: included in base pay)."
    )

    def daily_rate(self, base_pay: float, kind: PatternKind) -> float:
        """Yuan per working day for a monthly base on a pattern."""
        days = (
            self.one_one_days_per_month
            if kind is PatternKind.ONE_ON_ONE_OFF
            else self.five_two_days_per_month
        )
        return base_pay / days

    def holiday_day_pay(self, daily_rate: float, paid_minutes: int, contract_minutes: int) -> float:
        """Yuan for a shift worked on a statutory holiday, overtime apart.

        ``multiplier x daily_rate x min(paid, contract) / contract``, at least
        ``daily_rate``: the meal is not paid at the holiday rate, and paid time
        past the contract's normal day is overtime.
        """
        share = min(paid_minutes, contract_minutes) / contract_minutes
        return max(daily_rate, self.holiday_multiplier * daily_rate * share)

    def leave_deduction(self, daily_rate: float, kind: LeaveKind) -> float:
        """Yuan deducted for one day of leave of ``kind``."""
        if kind is LeaveKind.PERSONAL:
            return self.personal_leave_deduction * daily_rate
        if kind is LeaveKind.SICK:
            return self.sick_leave_deduction * daily_rate
        return 0.0

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
