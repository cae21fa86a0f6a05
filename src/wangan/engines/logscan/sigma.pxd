# compile-time only: lets this module declare ``ev`` as the Event extension type (see event.pxd)
from .event cimport Event
