"""Contact-centre rostering: demand -> Erlang sizing -> CP-SAT roster -> adherence -> reports."""

__version__ = "0.1.0"
