#!/usr/bin/env python3
"""Write face INDEX of a TrueType/OpenType collection (.ttc) as a standalone .otf/.ttf:
copy its table directory and tables, with offsets rewritten. Usage: SRC.ttc INDEX OUT."""
import struct, sys
src, idx, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = open(src, 'rb').read()
assert d[:4] == b'ttcf'
n = struct.unpack('>I', d[8:12])[0]
off = struct.unpack('>I', d[12+4*idx:16+4*idx])[0]
sfnt = d[off:off+4]
num = struct.unpack('>H', d[off+4:off+6])[0]
recs = []
for i in range(num):
    r = d[off+12+16*i: off+28+16*i]
    tag, chk, o, l = struct.unpack('>4sIII', r)
    recs.append((tag, chk, o, l))
hdr = d[off:off+12]
pos = 12 + 16*num
body = b''
dirs = b''
for tag, chk, o, l in recs:
    data = d[o:o+l]
    dirs += struct.pack('>4sIII', tag, chk, pos + len(body), l)
    body += data + b'\0' * ((4 - l % 4) % 4)
open(out, 'wb').write(hdr + dirs + body)
