# compile-time only: lets this module declare ``ev`` as the Event extension type (see event.pxd)
from .event cimport Event
from .correlation cimport Correlator


# The pipeline as an extension type: ``self.x`` is a struct read in its methods, and the per-match
# steps below are C calls from feed_block.
cdef class Pipeline:
    cdef public object rules, clock, correlator, behaviour, miner, template_learning, max_alerts, min_level
    cdef public object criticality, alerts, read_stats, counts, rule_hits, events, unknown, alerts_dropped
    cdef public object _parsers, _t0, _records, _rule_flags, _need

    cpdef list _flags(self)
    cpdef _matched(self, Event ev, object matched, list out)
    cpdef _keep(self, list alerts)
