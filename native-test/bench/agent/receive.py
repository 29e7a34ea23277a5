"""A notify socket for agent.sh: prints each datagram's arrival (CLOCK_MONOTONIC ns, as Java's nanoTime) and text."""
import os, socket, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(float(sys.argv[2]))
print("bound", flush=True)
try:
    while True:
        data = s.recv(65536)
        print(time.monotonic_ns(), data.decode(errors="replace").replace("\n", " | "), flush=True)
except socket.timeout:
    pass
finally:
    if os.path.exists(path):
        os.unlink(path)
