# compile-time only: lets this module declare ``ev`` as the Event extension type (see event.pxd)
from .event cimport Event, field_at


# a correlation group's state: struct fields for the compiled feeders
cdef class _Group:
    cdef public object last, first, items, values, stages, evidence
