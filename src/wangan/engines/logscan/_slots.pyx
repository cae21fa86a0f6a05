# cython: language_level=3, boundscheck=False, wraparound=False
"""Positional constructors for ``__slots__`` dataclasses, in C (optional helper).

:func:`wangan.engines.logscan.event.dataclass_factory` builds one constructor per
call site (an :class:`Event` per input line, an :class:`Alert` per match).  Its
pure-Python form is generated code that the interpreter runs: a frame and one
``STORE_ATTR`` per field (27 for an event).  :class:`SlotMaker` does the same work
in C: it allocates the object like ``object.__new__(cls)`` and stores every field
straight into its slot (the offsets are read from the class' own member
descriptors), with the same values -- the given arguments, the field defaults, or a
new object from the default factory.  For an extension type made by Cython (the
compiled :class:`~wangan.engines.logscan.event.Event`) the object comes from the
type's own ``tp_new`` (fields set to None) and each field is stored through the
setter of its attribute descriptor, a plain C call.  Built only when Cython is available
(``setup.py``); without it, or with ``WANGAN_LOGSCAN_PURE=1``, the generated Python
constructor runs (same objects, field for field).
"""

from cpython.object cimport PyObject, PyTypeObject
from cpython.ref cimport Py_INCREF, Py_XDECREF
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE
from libc.stdlib cimport free, malloc

cdef extern from "Python.h":
    ctypedef struct PyMemberDef:
        const char *name
        int type
        Py_ssize_t offset
        int flags
    ctypedef struct PyMemberDescrObject:
        PyMemberDef *d_member
    ctypedef int (*setter)(PyObject *, PyObject *, void *) except -1
    ctypedef struct PyGetSetDef:
        const char *name
        void *get
        setter set
        const char *doc
        void *closure
    ctypedef struct PyGetSetDescrObject:
        PyGetSetDef *d_getset
    object PyType_GenericAlloc(PyTypeObject *t, Py_ssize_t n)
    void PyObject_GC_UnTrack(void *op)
    int T_OBJECT_EX
    int READONLY


cdef class SlotMaker:
    """``SlotMaker(cls, slots)(*args)``: ``slots`` is one ``(field, kind, value)`` per
    field of ``cls`` in declaration order, ``kind`` 0: positional argument number
    ``value``, 1: the constant ``value``, 2: ``value()`` (a default factory)."""

    cdef object cls
    cdef PyTypeObject *tp
    cdef Py_ssize_t n_fields
    cdef Py_ssize_t n_args
    cdef Py_ssize_t *offsets
    cdef int *kinds
    cdef Py_ssize_t *argpos
    cdef PyGetSetDef **setters  # extension type: the field setters (NULL for a __slots__ class)
    cdef tuple values
    cdef readonly tuple names
    cdef readonly bint untrack

    def __cinit__(self, cls, slots, untrack=False):
        cdef Py_ssize_t i, n = len(slots)
        cdef PyMemberDescrObject *d
        self.offsets = <Py_ssize_t *>malloc(max(n, 1) * sizeof(Py_ssize_t))
        self.argpos = <Py_ssize_t *>malloc(max(n, 1) * sizeof(Py_ssize_t))
        self.kinds = <int *>malloc(max(n, 1) * sizeof(int))
        if self.offsets == NULL or self.argpos == NULL or self.kinds == NULL:
            raise MemoryError()
        if not isinstance(cls, type):
            raise TypeError("not a class")
        if cls.__new__ is not object.__new__:
            # a Cython extension type: every field must be a settable attribute of the type
            # itself, and the type's __new__ must not need arguments
            if "__pyx_vtable__" in cls.__dict__ or cls.__init__ is object.__init__:
                raise TypeError("not a Cython dataclass")
            self.setters = <PyGetSetDef **>malloc(max(n, 1) * sizeof(PyGetSetDef *))
            if self.setters == NULL:
                raise MemoryError()
        self.cls = cls
        self.untrack = untrack
        self.tp = <PyTypeObject *>cls
        self.n_fields = n
        vals = []
        names = []
        n_args = 0
        slot_type = type(_Probe.x)
        getset_type = type(type.__dict__["__doc__"])
        for i in range(n):
            name, kind, value = slots[i]
            desc = cls.__dict__.get(name)
            if self.setters != NULL:
                if type(desc) is not getset_type or (<PyGetSetDescrObject *>desc).d_getset.set == NULL:
                    raise TypeError(f"{name!r} is not a settable field of {cls.__name__}")
                self.setters[i] = (<PyGetSetDescrObject *>desc).d_getset
                self.offsets[i] = 0
            else:
                if type(desc) is not slot_type:  # a member descriptor of this very class
                    raise TypeError(f"{name!r} is not a slot of {cls.__name__}")
                d = <PyMemberDescrObject *>desc
                if d.d_member.type != T_OBJECT_EX or (d.d_member.flags & READONLY):
                    raise TypeError(f"{name!r}: unexpected slot kind")
                self.offsets[i] = d.d_member.offset
            self.kinds[i] = kind
            if kind == 0:
                self.argpos[i] = value
                n_args += 1
                vals.append(None)
                names.append(name)
            else:
                self.argpos[i] = -1
                vals.append(value)
        self.values = tuple(vals)
        self.n_args = n_args
        self.names = tuple(names)

    def __dealloc__(self):
        free(self.offsets)
        free(self.argpos)
        free(self.kinds)
        free(self.setters)

    def __call__(self, *args):
        cdef Py_ssize_t i
        cdef int k
        cdef char *o
        cdef PyGetSetDef *gs
        cdef PyObject *v
        cdef PyObject **slot
        if PyTuple_GET_SIZE(args) != self.n_args:
            raise TypeError(f"expected {self.n_args} arguments, got {PyTuple_GET_SIZE(args)}")
        # default factories first: they may run Python code (and a GC pass)
        made = None
        for i in range(self.n_fields):
            if self.kinds[i] == 2:
                if made is None:
                    made = {}
                made[i] = (<object>PyTuple_GET_ITEM(self.values, i))()
        if self.setters != NULL:  # extension type: its tp_new (fields None), then the C setters
            obj = self.tp.tp_new(<type>self.cls, <PyObject *>_EMPTY, NULL)
        else:  # what object.__new__(cls) does: zeroed, GC-tracked; then straight into the slots
            obj = PyType_GenericAlloc(self.tp, 0)
        o = <char *><PyObject *>obj
        for i in range(self.n_fields):
            k = self.kinds[i]
            if k == 0:
                v = PyTuple_GET_ITEM(args, self.argpos[i])
            elif k == 1:
                v = PyTuple_GET_ITEM(self.values, i)
            else:
                v = <PyObject *>made[i]
            if self.setters != NULL:
                gs = self.setters[i]
                gs.set(<PyObject *>obj, v, gs.closure)
            else:
                Py_INCREF(<object>v)
                slot = <PyObject **>(o + self.offsets[i])
                Py_XDECREF(slot[0])
                slot[0] = v
        if self.untrack:
            PyObject_GC_UnTrack(o)
        return obj


cdef tuple _EMPTY = ()


class _Probe:
    __slots__ = ("x",)
