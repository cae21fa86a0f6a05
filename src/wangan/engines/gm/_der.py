"""A deliberately small, strict DER reader and writer.

Only what SM2 keys, signatures and ciphertexts need: INTEGER, BIT STRING,
OCTET STRING, NULL, OBJECT IDENTIFIER, SEQUENCE and context-specific tags.
The reader rejects everything DER forbids (indefinite lengths, non-minimal
lengths and integers, unused bits in a BIT STRING that are not zero, trailing
bytes) and never reads past its buffer.  Every failure is a :class:`DERError`;
the public layer translates it into the engine's own exceptions.
"""

from __future__ import annotations

__all__ = [
    "TAG_BIT_STRING",
    "TAG_INTEGER",
    "TAG_NULL",
    "TAG_OCTET_STRING",
    "TAG_OID",
    "TAG_SEQUENCE",
    "DERError",
    "DERReader",
    "context_tag",
    "encode_bit_string",
    "encode_integer",
    "encode_octet_string",
    "encode_oid",
    "encode_sequence",
    "encode_tlv",
]

TAG_INTEGER = 0x02
TAG_BIT_STRING = 0x03
TAG_OCTET_STRING = 0x04
TAG_NULL = 0x05
TAG_OID = 0x06
TAG_SEQUENCE = 0x30

# Nothing this engine reads is anywhere near this big; the cap keeps a hostile
# length field from being taken seriously.
_MAX_LENGTH_OCTETS = 4


class DERError(Exception):
    """Malformed DER (internal; never escapes the engine's public functions)."""


def context_tag(number: int, *, constructed: bool) -> int:
    """The identifier octet of ``[number]`` (low-tag-number form only)."""
    if not 0 <= number <= 30:
        raise ValueError("context tag number out of range")
    return 0x80 | (0x20 if constructed else 0) | number


class DERReader:
    """Reads consecutive TLVs from ``data[start:end]``."""

    __slots__ = ("_data", "_end", "_pos")

    def __init__(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise DERError("DER input must be bytes")
        self._data = bytes(data)
        self._pos = start
        self._end = len(self._data) if end is None else end

    # -- low level -----------------------------------------------------------

    def at_end(self) -> bool:
        return self._pos >= self._end

    def expect_end(self) -> None:
        if self._pos != self._end:
            raise DERError("trailing data after DER value")

    def peek_tag(self) -> int | None:
        if self._pos >= self._end:
            return None
        return self._data[self._pos]

    def read_tlv(self) -> tuple[int, int, int]:
        """Return ``(tag, content_start, content_end)`` and advance past the TLV."""
        data, pos, end = self._data, self._pos, self._end
        if pos >= end:
            raise DERError("unexpected end of DER data")
        tag = data[pos]
        if tag & 0x1F == 0x1F:
            raise DERError("high tag numbers are not supported")
        pos += 1
        if pos >= end:
            raise DERError("missing DER length")
        first = data[pos]
        pos += 1
        if first < 0x80:
            length = first
        elif first == 0x80:
            raise DERError("indefinite length is not DER")
        else:
            count = first & 0x7F
            if count > _MAX_LENGTH_OCTETS:
                raise DERError("DER length too large")
            if pos + count > end:
                raise DERError("truncated DER length")
            length_bytes = data[pos : pos + count]
            pos += count
            if length_bytes[0] == 0:
                raise DERError("non-minimal DER length")
            length = int.from_bytes(length_bytes, "big")
            if length < 0x80:
                raise DERError("non-minimal DER length")
        if length > end - pos:
            raise DERError("DER length exceeds the available data")
        self._pos = pos + length
        return tag, pos, pos + length

    def read(self, expected_tag: int) -> bytes:
        tag, start, stop = self.read_tlv()
        if tag != expected_tag:
            raise DERError(f"expected DER tag 0x{expected_tag:02x}, found 0x{tag:02x}")
        return self._data[start:stop]

    def read_constructed(self, expected_tag: int) -> DERReader:
        tag, start, stop = self.read_tlv()
        if tag != expected_tag:
            raise DERError(f"expected DER tag 0x{expected_tag:02x}, found 0x{tag:02x}")
        return DERReader(self._data, start, stop)

    # -- typed helpers ---------------------------------------------------------

    def read_sequence(self) -> DERReader:
        return self.read_constructed(TAG_SEQUENCE)

    def read_integer(self) -> int:
        content = self.read(TAG_INTEGER)
        if not content:
            raise DERError("empty INTEGER")
        if len(content) > 1 and (
            (content[0] == 0x00 and content[1] < 0x80) or (content[0] == 0xFF and content[1] >= 0x80)
        ):
            raise DERError("non-minimal INTEGER encoding")
        return int.from_bytes(content, "big", signed=True)

    def read_octet_string(self) -> bytes:
        return self.read(TAG_OCTET_STRING)

    def read_bit_string(self) -> bytes:
        """Return the bits of a BIT STRING whose bit count is a multiple of 8."""
        content = self.read(TAG_BIT_STRING)
        if not content:
            raise DERError("empty BIT STRING")
        if content[0] != 0:
            raise DERError("BIT STRING with unused bits is not supported here")
        return content[1:]

    def read_null(self) -> None:
        if self.read(TAG_NULL):
            raise DERError("NULL with content")

    def read_oid(self) -> str:
        content = self.read(TAG_OID)
        if not content:
            raise DERError("empty OBJECT IDENTIFIER")
        if content[-1] & 0x80:
            raise DERError("truncated OBJECT IDENTIFIER")
        arcs: list[int] = []
        value = 0
        fresh = True
        for byte in content:
            if fresh and byte == 0x80:
                raise DERError("non-minimal OBJECT IDENTIFIER arc")
            value = (value << 7) | (byte & 0x7F)
            fresh = not byte & 0x80
            if fresh:
                arcs.append(value)
                value = 0
            elif value.bit_length() > 64:
                raise DERError("OBJECT IDENTIFIER arc too large")
        first = arcs[0]
        if first < 40:
            head = [0, first]
        elif first < 80:
            head = [1, first - 40]
        else:
            head = [2, first - 80]
        return ".".join(str(arc) for arc in head + arcs[1:])


# -- writer ---------------------------------------------------------------------


def _encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes((length,))
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def encode_tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + _encode_length(len(content)) + content


def encode_integer(value: int) -> bytes:
    length = value.bit_length() // 8 + 1  # room for the sign bit
    return encode_tlv(TAG_INTEGER, value.to_bytes(length, "big", signed=True))


def encode_octet_string(value: bytes) -> bytes:
    return encode_tlv(TAG_OCTET_STRING, value)


def encode_bit_string(value: bytes) -> bytes:
    return encode_tlv(TAG_BIT_STRING, b"\x00" + value)


def encode_sequence(*parts: bytes) -> bytes:
    return encode_tlv(TAG_SEQUENCE, b"".join(parts))


def encode_oid(dotted: str) -> bytes:
    arcs = [int(part) for part in dotted.split(".")]
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40):
        raise ValueError(f"invalid OID {dotted!r}")
    body = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return encode_tlv(TAG_OID, bytes(body))
