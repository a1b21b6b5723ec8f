# Stands in for get-pip.py in ansible-test's cache (Integrations/ansible/tests/run puts it there):
# installs the pip that this Python's ensurepip carries, then runs `pip install` with the
# packages ansible-test asked for (get-pip.py's own --no-setuptools/--no-wheel are dropped).
import ensurepip
import subprocess
import sys

ensurepip.bootstrap(upgrade=True)
arguments = [argument for argument in sys.argv[1:] if argument not in ('--no-setuptools', '--no-wheel')]
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + arguments))
