"""Contact-centre rostering: demand -> Erlang sizing -> CP-SAT roster -> adherence -> reports.

The public surface is listed in ``__all__``; names are imported on first use, so
``import rostering`` stays cheap for the command line.

>>> import rostering
>>> scenario = rostering.load_scenario("scenarios/reference-online")  # doctest: +SKIP
>>> result = rostering.run_scenario(scenario)                          # doctest: +SKIP
>>> rostering.write_outputs(result, "out/reference-online")            # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_WHERE = {
    "InfeasibleRosterError": "rostering.errors",
    "InputError": "rostering.errors",
    "Problem": "rostering.errors",
    "RosterInstance": "rostering.roster.instance",
    "RosterSolution": "rostering.roster.solution",
    "RosteringError": "rostering.errors",
    "RunResult": "rostering.results",
    "Scenario": "rostering.domain.scenario",
    "ScenarioError": "rostering.errors",
    "SolverConfig": "rostering.roster.config",
    "WhatIf": "rostering.whatif",
    "apply_whatif": "rostering.whatif",
    "check_adherence": "rostering.pipeline",
    "load_scenario": "rostering.io",
    "run_scenario": "rostering.pipeline",
    "size_scenario": "rostering.pipeline",
    "validate_roster": "rostering.roster.validation",
    "write_outputs": "rostering.pipeline",
}
_RENAMED = {"validate_roster": "validate"}

if TYPE_CHECKING:
    from rostering.domain.scenario import Scenario
    from rostering.errors import (
        InfeasibleRosterError,
        InputError,
        Problem,
        RosteringError,
        ScenarioError,
    )
    from rostering.io import load_scenario
    from rostering.pipeline import (
        check_adherence,
        run_scenario,
        size_scenario,
        write_outputs,
    )
    from rostering.results import RunResult
    from rostering.roster.config import SolverConfig
    from rostering.roster.instance import RosterInstance
    from rostering.roster.solution import RosterSolution
    from rostering.roster.validation import validate as validate_roster
    from rostering.whatif import WhatIf, apply_whatif


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'rostering' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), _RENAMED.get(name, name))
    globals()[name] = value
    return value


__all__ = [
    "InfeasibleRosterError",
    "InputError",
    "Problem",
    "RosterInstance",
    "RosterSolution",
    "RosteringError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SolverConfig",
    "WhatIf",
    "__version__",
    "apply_whatif",
    "check_adherence",
    "load_scenario",
    "run_scenario",
    "size_scenario",
    "validate_roster",
    "write_outputs",
]
