#!/usr/bin/python
# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: spoofguard_audit
short_description: Audit the running host's loopback anti-spoofing guard with spoofguard audit
version_added: "0.1.0"
description:
  - Runs C(spoofguard audit [POLICY] --json) on the target and returns its findings. The audit
    reads the kernel (links, routes, sysctls, tables) and proves the loaded guard; it changes
    nothing, so the task never reports changed.
  - spoofguard exits 0 when there are no error-level findings and 1 when there is at least one;
    with I(fail_on_findings) (the default) the latter fails the task.
  - Needs a spoofguard that has the C(audit) subcommand; with an older one the task fails and
    says so.
author:
  - spoofguard maintainers (!UNKNOWN)
requirements:
  - spoofguard with the audit subcommand installed on the target
attributes:
  check_mode:
    support: full
    description: The audit only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: An audit changes nothing, so there is no difference to show.
options:
  path:
    description:
      - Path of the policy on the target to audit against; without I(path) and I(policy) the
        audit judges the loaded table on its own.
      - Mutually exclusive with I(policy).
    type: path
  policy:
    description:
      - The policy itself, as a dictionary; written to a private temporary file on the target.
      - Mutually exclusive with I(path).
    type: dict
  fail_on_findings:
    description:
      - Fail the task when the audit reports error-level findings (spoofguard exits 1).
    type: bool
    default: true
extends_documentation_fragment:
  - spoofguard.net.spoofguard
seealso:
  - module: spoofguard.net.spoofguard
'''

EXAMPLES = r'''
- name: Audit every router against its installed policy
  spoofguard.net.spoofguard_audit:
    path: /etc/spoofguard/policy.json
  become: true
  register: audit

- name: Collect findings without failing
  spoofguard.net.spoofguard_audit:
    fail_on_findings: false
  become: true
  register: audit
'''

RETURN = r'''
ok:
  description: Whether the audit found no error-level findings (spoofguard exited 0).
  returned: success
  type: bool
  sample: true
findings:
  description: The findings of C(spoofguard audit --json), each with its severity, class and message.
  returned: success, and on failure because of findings
  type: list
  elements: dict
  sample: []
report:
  description: spoofguard audit's whole JSON report (proof results, interface classification, findings).
  returned: success, and on failure because of findings
  type: dict
  sample: {"findings": []}
rc:
  description: spoofguard's exit code.
  returned: failure
  type: int
  sample: 1
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.spoofguard.net.plugins.module_utils.spoofguard_cli import SpoofGuardCLI, common_argument_spec


def main():
    argument_spec = common_argument_spec()
    argument_spec.update(fail_on_findings=dict(type='bool', default=True))
    module = AnsibleModule(argument_spec=argument_spec, mutually_exclusive=[('path', 'policy')], supports_check_mode=True)
    cli = SpoofGuardCLI(module)
    if 'audit' not in cli.subcommands():
        module.fail_json(msg='{0} has no audit subcommand: install a spoofguard that has `spoofguard audit`'.format(cli.binary))
    policy = cli.policy_file()
    rc, report, err = cli.run(['audit'] + ([policy] if policy else []) + ['--json'], accept=(0, 1))
    findings = report.get('findings', [])
    result = dict(changed=False, ok=rc == 0, findings=findings, report=report)
    if rc == 1 and module.params['fail_on_findings']:
        errors = [finding for finding in findings if finding.get('severity') == 'error']
        module.fail_json(msg='spoofguard audit found {0} error-level finding(s)'.format(len(errors) or 'some'), rc=rc, **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
