# compile-time only: lets this module declare ``ev`` as the Event extension type (see event.pxd)
from .event cimport Event


# The parser as an extension type: ``self.x`` in its methods is a struct read, not a
# dictionary look-up (one per attribute access, several per line).
cdef class LineParser:
    cdef public object clock, source, counts
    cdef public object _last, _pids, _sub, _svc_cache, _hosts, _by_char
    cdef public object _c_pri, _c_json, _c_bracket, _c_audit, _c_digit, _c_upper, _c_other
