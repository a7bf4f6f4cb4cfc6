"""The machine's pure argon2id rate: verifies/s of kordon's parameters (m=19456 KiB, t=2, p=1)
with argon2-cffi, one process per core, for SECONDS (argv[1], default 5). Prints one number."""
import multiprocessing
import os
import sys
import time

import argon2

HASHER = argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=argon2.Type.ID)
PASSWORD = "bench-Passw0rd-long"


def verifies(seconds: float) -> int:
    digest = HASHER.hash(PASSWORD)
    count, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        HASHER.verify(digest, PASSWORD)
        count += 1
    return count


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    cores = os.cpu_count() or 1
    with multiprocessing.Pool(cores) as pool:
        total = sum(pool.map(verifies, [seconds] * cores))
    print(round(total / seconds, 1))
