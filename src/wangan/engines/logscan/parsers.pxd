# compile-time only: lets this module declare ``ev`` as the Event extension type (see event.pxd)
from .event cimport Event


# The parser as an extension type: ``self.x`` in its methods is a struct read, not a
# dictionary look-up (one per attribute access, several per line).
cdef class LineParser:
    cdef public object clock, source, counts
    cdef public object _last
    cdef public dict _pids, _sub, _svc_cache, _hosts, _by_char  # dict methods become C calls
    cdef public object _c_pri, _c_json, _c_bracket, _c_audit, _c_digit, _c_upper, _c_other


# Module helpers called once or more per line: C calls from the compiled parser
# (``cpdef``: still callable from Python, e.g. by the tests).
cpdef object _addr(object a)
cpdef object _s(object v)
cpdef object _flatten(object obj, str prefix, dict out, int depth)
cpdef list _kv_pairs(str text)
cpdef tuple _groups(object rx, str s)
cdef bint _dec(Py_UCS4 c)
cpdef tuple _scan3164(str line)
cpdef tuple _scan_access(str line)
cpdef tuple _scan_user_from_port(str msg, Py_ssize_t i)
cpdef bint _at_end(str msg, Py_ssize_t e)
cpdef Py_ssize_t _method_end(str msg, Py_ssize_t i)
cpdef tuple _scan_failed(str msg)
cpdef tuple _scan_accepted(str msg)
cpdef tuple _scan_invalid(str msg)
cpdef tuple _failed_groups(str msg)
cpdef tuple _accepted_groups(str msg)
cpdef tuple _invalid_groups(str msg)
