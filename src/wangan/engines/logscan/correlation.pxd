# compile-time only: lets this module declare ``ev`` as the Event extension type (see event.pxd)
from .event cimport Event, field_at


# a correlation group's state: struct fields for the compiled feeders
cdef class _Group:
    cdef public object last, first, items, values, stages, evidence


# The correlator as an extension type: its state is read as struct fields, and the pipeline calls
# ``feed`` as a C method.
cdef class Correlator:
    cdef public object rules, max_groups, _consumers, _getters, _vgetter, _state, _plan, _feeders
    cdef public object fired, evicted, _key_field
    cdef public dict _by_rule
    cdef public Py_ssize_t _n, sweep_every

    cpdef list feed(self, object rule, Event ev)
