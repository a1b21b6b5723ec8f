#!/usr/bin/env python3
"""Send COUNT IPv4/UDP frames claiming source 127.0.0.1 out of INTERFACE (raw, broadcast MAC),
so they arrive on its veth peer as a spoofed packet from the wire would. Each IP packet is 40 bytes."""
import socket, struct, sys

interface, count = sys.argv[1], int(sys.argv[2])

def checksum(data):
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF

payload = b"spoofguard-t"  # 12 bytes: 20 IP + 8 UDP + 12 = 40
udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0) + payload
header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     socket.inet_aton("127.0.0.1"), socket.inet_aton("192.0.2.1"))
header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + header + udp
with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as raw:
    raw.bind((interface, 0))
    for _ in range(count):
        raw.send(frame)
