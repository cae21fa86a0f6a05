# Compile-time declaration of the Event extension type (``event.py``, Cython pure-Python mode):
# modules that ``cimport`` it read and write the fields of an ``ev`` declared with
# ``cython.locals(ev=Event)`` as struct members.  Same fields, same order as the dataclass.
cdef class Event:
    cdef public object raw, log_type, timestamp, host, program, service, product, pid, user, target_user
    cdef public object src_ip, src_port, action, outcome, category, severity, message, url, http_method
    cdef public object http_status, http_bytes, user_agent, referer, extra, source, lineno, search_text


cpdef object field_at(Event ev, int i)
