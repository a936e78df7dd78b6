"""The reference scripts' JSON outputs, each written whole or not at all."""
import json
import os


def write_json(path, value, **dump_args):
    """Writes value to path through a temporary file and an atomic rename: a run killed mid-write
    leaves the previous file, never half of one (json.dump's keyword arguments pass through)."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, **dump_args)
    os.replace(tmp, path)
