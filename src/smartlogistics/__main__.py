"""``python -m smartlogistics``: the same as the ``smartlogistics`` command."""

from smartlogistics.cli import main

if __name__ == "__main__":
    main()
