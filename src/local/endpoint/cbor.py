"""A self-contained CBOR codec (RFC 8949): definite and indefinite lengths, tags 1-3,
half/single/double floats. Used by the Smithy RPC v2 translation."""

import struct


# ---------------------------------------------------------------- CBOR (RFC 8949)


class EpochSeconds(float):
    """A timestamp: CBOR tag 1 around epoch seconds."""


class _Break:
    pass


BREAK = _Break()


class CborDecoder:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def read(self, count):
        if self.pos + count > len(self.data):
            raise ValueError("truncated CBOR item")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def argument(self, info):
        if info < 24:
            return info
        if info in (24, 25, 26, 27):
            size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
            return int.from_bytes(self.read(size), "big")
        if info == 31:
            return None
        raise ValueError(f"reserved additional information {info}")

    def item(self):
        initial = self.read(1)[0]
        major, info = initial >> 5, initial & 31
        if major == 7:
            return self.simple(info)
        argument = self.argument(info)
        if major == 0:
            return argument
        if major == 1:
            return -1 - argument
        if major in (2, 3):
            if argument is None:
                chunks = []
                while True:
                    chunk = self.item()
                    if chunk is BREAK:
                        break
                    chunks.append(chunk)
                raw = b"".join(c if isinstance(c, bytes) else c.encode("utf-8") for c in chunks)
            else:
                raw = self.read(argument)
            return raw if major == 2 else raw.decode("utf-8")
        if major == 4:
            items = []
            while argument is None or len(items) < argument:
                value = self.item()
                if value is BREAK:
                    break
                items.append(value)
            return items
        if major == 5:
            mapping = {}
            count = 0
            while argument is None or count < argument:
                key = self.item()
                if key is BREAK:
                    break
                mapping[key] = self.item()
                count += 1
            return mapping
        # major 6: tags
        value = self.item()
        if argument == 1:
            return EpochSeconds(float(value))
        if argument in (2, 3) and isinstance(value, bytes):
            number = int.from_bytes(value, "big")
            return number if argument == 2 else -1 - number
        return value

    def simple(self, info):
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):
            return None
        if info == 25:
            return struct.unpack(">e", self.read(2))[0]
        if info == 26:
            return struct.unpack(">f", self.read(4))[0]
        if info == 27:
            return struct.unpack(">d", self.read(8))[0]
        if info == 31:
            return BREAK
        if info < 24:
            return None
        if info == 24:
            self.read(1)
            return None
        raise ValueError(f"unsupported simple value {info}")


def cbor_decode(data):
    if not data:
        return {}
    decoder = CborDecoder(data)
    value = decoder.item()
    if decoder.pos != len(data):
        raise ValueError("trailing bytes after the CBOR item")
    return value


def _cbor_head(major, argument, out):
    if argument < 24:
        out.append((major << 5) | argument)
    elif argument < 0x100:
        out.append((major << 5) | 24)
        out.append(argument)
    elif argument < 0x10000:
        out.append((major << 5) | 25)
        out.extend(argument.to_bytes(2, "big"))
    elif argument < 0x100000000:
        out.append((major << 5) | 26)
        out.extend(argument.to_bytes(4, "big"))
    else:
        out.append((major << 5) | 27)
        out.extend(argument.to_bytes(8, "big"))


def cbor_encode(value, out=None):
    out = bytearray() if out is None else out
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, EpochSeconds):
        out.append(0xC1)
        out.append(0xFB)
        out.extend(struct.pack(">d", float(value)))
    elif isinstance(value, int):
        if value >= 0:
            _cbor_head(0, value, out)
        else:
            _cbor_head(1, -1 - value, out)
    elif isinstance(value, float):
        out.append(0xFB)
        out.extend(struct.pack(">d", value))
    elif isinstance(value, str):
        encoded = value.encode("utf-8")
        _cbor_head(3, len(encoded), out)
        out.extend(encoded)
    elif isinstance(value, (bytes, bytearray)):
        _cbor_head(2, len(value), out)
        out.extend(value)
    elif isinstance(value, (list, tuple)):
        _cbor_head(4, len(value), out)
        for item in value:
            cbor_encode(item, out)
    elif isinstance(value, dict):
        _cbor_head(5, len(value), out)
        for key, item in value.items():
            cbor_encode(key, out)
            cbor_encode(item, out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as CBOR")
    return bytes(out)
