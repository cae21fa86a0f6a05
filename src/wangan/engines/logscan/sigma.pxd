# compile-time only: lets this module declare ``ev`` as the Event extension type (see event.pxd)
from .event cimport Event, field_at


# part kinds of a _Prog: C constants when compiled
cdef int _K_CALL, _K_KW1, _K_KWN, _K_EQ, _K_SW, _K_EW, _K_CT1, _K_CTN


cdef class _Part:
    cdef public object fn, consts, c0
    cdef public int kind, field
    cdef public bint lower


cdef class _Prog:
    cdef public int op
    cdef public tuple parts
    cdef public object _bool
    cdef public bint needs_low
    cpdef bint run(self, Event ev, str low)


cdef bint _call_part(_Part p, Event ev, str low) except -1
