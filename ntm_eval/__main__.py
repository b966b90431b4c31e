"""``ntm-eval`` (the console script) and ``python -m ntm_eval``."""

import gc


def main() -> None:
    # A run is short and builds few reference cycles: the cyclic collector would mostly
    # rescan what the imports made (about a twentieth of a 10,000-commune check). It stays
    # off for the run; ``ntm_eval.cli`` imported as a library leaves it alone. At the end,
    # what the run holds is frozen out of the collection Python still makes on exit (a
    # judged report is hundreds of thousands of objects: ~50 ms).
    gc.disable()
    from ntm_eval.cli import main as run

    try:
        run()
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
