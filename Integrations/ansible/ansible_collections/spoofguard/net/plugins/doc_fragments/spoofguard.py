# -*- coding: utf-8 -*-
# The options every module of this collection shares (module_utils/spoofguard_cli.py).
from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  netns:
    description:
      - Network namespace to act in, as a name under C(/run/netns) or a path; the host's own
        namespace when omitted.
    type: str
  executable:
    description:
      - Path of the spoofguard binary on the target. By default C(spoofguard) is looked up on
        C(PATH), C(/usr/sbin), C(/usr/local/sbin) and C(/usr/local/bin).
    type: path
requirements:
  - CAP_NET_ADMIN on the target (C(become=true))
'''
