"""``python -m custdata`` runs the command line interface."""

from custdata.cli.main import run

if __name__ == "__main__":
    run()
