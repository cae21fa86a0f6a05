"""Log scanning engine (no Django): parse -> normalize -> Sigma -> correlate ->
attack chains -> risk.

Public API::

    from wangan.engines.logscan import scan, Pipeline, load_rules
    res = scan(["/var/log/auth.log", "access.log.gz"], rules=["/path/to/sigma"], workers=2)
    res.alerts, res.chains, res.risks, res.stats

    pipe = Pipeline(load_rules())
    alerts = pipe.feed_line(line, source="auth.log")   # incremental
    result = pipe.result()
"""

# first: decides, before any other engine module is imported, whether compiled extensions or sources run
from . import _compiled  # noqa: F401
from .alerts import Alert
from .chains import AttackChain, ChainStep, build_chains
from .correlation import BehaviourDetector, Correlator
from .drain import DrainMiner
from .event import Event
from .parsers import LineParser
from .pipeline import Pipeline, ScanResult, scan
from .readers import ReadStats, iter_file_lines
from .risk import EntityRisk, rate
from .sigma import CorrelationRule, RuleSet, SigmaRule, load_rules
from .timeutil import Clock

__all__ = [
    "Alert", "AttackChain", "BehaviourDetector", "ChainStep", "Clock", "CorrelationRule", "Correlator", "DrainMiner",
    "EntityRisk", "Event", "LineParser", "Pipeline", "ReadStats", "RuleSet", "ScanResult", "SigmaRule",
    "build_chains", "iter_file_lines", "load_rules", "rate", "scan",
]
